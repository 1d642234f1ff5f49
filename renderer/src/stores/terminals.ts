import { create } from 'zustand';
import type { TerminalInfo, TerminalsChange } from '../../../shared/types.js';
import { byCreation } from '../terminal/layout.js';

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
  /** Changes pushed while terminals.list is in flight, replayed over its (possibly older) result. */
  replay: TerminalsChange[] | null;
  loadId: number;
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
  replay: null,
  loadId: 0,
  apply(change) {
    set((state) => ({
      terminals: applyTerminalsChange(state.terminals, change),
      replay: state.replay ? [...state.replay, change] : null,
    }));
  },
  learn(info) {
    if (get().terminals.some((t) => t.id === info.id)) return;
    // As an upsert, so a list in flight does not lose it either.
    get().apply({ kind: 'upsert', terminal: info });
  },
  beginLoad() {
    const loadId = get().loadId + 1;
    set({ loadId, replay: [] });
    return loadId;
  },
  finishLoad(loadId, list) {
    const state = get();
    if (loadId !== state.loadId) return;
    set({ terminals: (state.replay ?? []).reduce(applyTerminalsChange, terminalsFromList(list)), loaded: true, replay: null });
  },
  abandonLoad(loadId) {
    if (loadId === get().loadId) set({ replay: null });
  },
}));

export function terminalById(id: string): TerminalInfo | undefined {
  return useTerminals.getState().terminals.find((t) => t.id === id);
}
