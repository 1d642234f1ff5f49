import { create } from 'zustand';
import type { ConnectionStatus } from '../../../shared/types.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

interface ConnectionState {
  /** Null until the first system.status reply or event. */
  status: ConnectionStatus | null;
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
  loads: NO_LOADS,
  receiveEvent(status) {
    set((state) => ({ status, loads: noteChange(state.loads, status) }));
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  receiveReply(status, loadId) {
    // A status pushed meanwhile is newer than the reply: it wins.
    const done = finishLoad(get().loads, loadId, status, (_reply, pushed) => pushed);
    if (done) set({ status: done.value, loads: done.loads });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
}));
