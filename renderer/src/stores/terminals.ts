import { create } from 'zustand';
import type { TerminalInfo, TerminalsChange } from '../../../shared/types.js';
import { byCreation } from '../terminal/layout.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

/** The sessions the backend holds, in the order they were opened. */
export function applyTerminalsChange(terminals: readonly TerminalInfo[], change: TerminalsChange): readonly TerminalInfo[] {
  switch (change.kind) {
    case 'upsert': {
      const index = terminals.findIndex((t) => t.id === change.terminal.id);
      if (index === -1) return [...terminals, change.terminal].sort(byCreation);
      return terminals.map((t, i) => (i === index ? change.terminal : t));
    }
    case 'removed':
      return terminals.some((t) => t.id === change.id) ? terminals.filter((t) => t.id !== change.id) : terminals;
  }
}

export function terminalsFromList(list: readonly TerminalInfo[]): readonly TerminalInfo[] {
  return [...list].sort(byCreation);
}

interface TerminalsState {
  terminals: readonly TerminalInfo[];
  /** False until the first terminals.list answers. */
  loaded: boolean;
  /** terminals.list calls and the changes pushed while one is in flight (lib/reconcile.ts). */
  loads: Loads<TerminalsChange>;
  apply(change: TerminalsChange): void;
  /** A reply (open, attach) about a session: taken only if no event has told us about it yet. */
  learn(info: TerminalInfo): void;
  beginLoad(): number;
  finishLoad(loadId: number, list: TerminalInfo[]): void;
  abandonLoad(loadId: number): void;
}

export const useTerminals = create<TerminalsState>()((set, get) => ({
  terminals: [],
  loaded: false,
  loads: NO_LOADS,
  apply(change) {
    set((state) => ({
      terminals: applyTerminalsChange(state.terminals, change),
      loads: noteChange(state.loads, change),
    }));
  },
  learn(info) {
    if (get().terminals.some((t) => t.id === info.id)) return;
    // As an upsert, so a list in flight does not lose it either.
    get().apply({ kind: 'upsert', terminal: info });
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  finishLoad(loadId, list) {
    const done = finishLoad(get().loads, loadId, terminalsFromList(list), applyTerminalsChange);
    if (done) set({ terminals: done.value, loaded: true, loads: done.loads });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
}));

export function terminalById(id: string): TerminalInfo | undefined {
  return useTerminals.getState().terminals.find((t) => t.id === id);
}
