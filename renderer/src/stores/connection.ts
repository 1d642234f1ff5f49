import { create } from 'zustand';
import type { ConnectionStatus } from '../../../shared/types.js';
import { nextOutageSince } from '../lib/outage.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

interface ConnectionState {
  /** Null until the first system.status reply or event. */
  status: ConnectionStatus | null;
  /** When the current outage began (lib/outage.ts); null while connected or first connecting. */
  outageSince: string | null;
  /** system.status calls and the statuses pushed while one is in flight (lib/reconcile.ts). */
  loads: Loads<ConnectionStatus>;
  receiveEvent(status: ConnectionStatus): void;
  /** A system.status call starts; hand the id back with its reply. */
  beginLoad(): number;
  receiveReply(status: ConnectionStatus, loadId: number): void;
  abandonLoad(loadId: number): void;
}

export const useConnection = create<ConnectionState>()((set, get) => ({
  status: null,
  outageSince: null,
  loads: NO_LOADS,
  receiveEvent(status) {
    set((state) => ({ status, outageSince: nextOutageSince(state.outageSince, status, Date.now()), loads: noteChange(state.loads, status) }));
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  receiveReply(status, loadId) {
    // A status pushed meanwhile is newer than the reply: it wins.
    const done = finishLoad(get().loads, loadId, status, (_reply, pushed) => pushed);
    if (done) set((state) => ({ status: done.value, outageSince: nextOutageSince(state.outageSince, done.value, Date.now()), loads: done.loads }));
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
}));

/** When Incus stopped answering, while it does not: what is on screen is then the last known state. */
export function useOutageSince(): string | null {
  return useConnection((state) => (state.status?.state === 'connected' ? null : state.outageSince));
}
