import { create } from 'zustand';
import type { ConnectionStatus } from '../../../shared/types.js';

interface ConnectionState {
  /** Null until the first system.status reply or event. */
  status: ConnectionStatus | null;
  /** Counts pushed statuses, so a reply overtaken by an event does not overwrite it. */
  eventCount: number;
  receiveEvent(status: ConnectionStatus): void;
  /** `eventCountAtCall` is `eventCount` read when the call was sent. */
  receiveReply(status: ConnectionStatus, eventCountAtCall: number): void;
}

export const useConnection = create<ConnectionState>()((set, get) => ({
  status: null,
  eventCount: 0,
  receiveEvent(status) {
    set((state) => ({ status, eventCount: state.eventCount + 1 }));
  },
  receiveReply(status, eventCountAtCall) {
    if (get().eventCount === eventCountAtCall) set({ status });
  },
}));
