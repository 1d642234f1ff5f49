import { create } from 'zustand';
import type { WorkspaceChanges } from '../../../shared/workspace.js';

/** One agent's latest read of its work. */
export interface AgentChanges {
  changes: WorkspaceChanges | null;
  /** The last read failed (the previous answer, if any, stays on screen). */
  error: string | null;
  loading: boolean;
  /** When the last read ended, answer or error (the poll counts from it). */
  lastAt: number | null;
}

const EMPTY: AgentChanges = { changes: null, error: null, loading: false, lastAt: null };

interface WorkspaceChangesState {
  byAgent: Readonly<Record<string, AgentChanges>>;
  begin(agent: string): void;
  receive(agent: string, changes: WorkspaceChanges, at: number): void;
  fail(agent: string, error: string, at: number): void;
  forget(agent: string): void;
}

export const useWorkspaceChanges = create<WorkspaceChangesState>()((set) => {
  const update = (agent: string, change: (current: AgentChanges) => AgentChanges) =>
    set((state) => ({ byAgent: { ...state.byAgent, [agent]: change(state.byAgent[agent] ?? EMPTY) } }));
  return {
    byAgent: {},
    begin(agent) {
      update(agent, (current) => ({ ...current, loading: true }));
    },
    receive(agent, changes, at) {
      // An unchanged answer (same fingerprint, same state) keeps the old object: nothing re-renders.
      update(agent, (current) => {
        const same = current.changes && current.changes.fingerprint === changes.fingerprint && current.changes.state === changes.state && current.changes.message === changes.message;
        return { changes: same ? current.changes : changes, error: null, loading: false, lastAt: at };
      });
    },
    fail(agent, error, at) {
      update(agent, (current) => ({ ...current, error, loading: false, lastAt: at }));
    },
    forget(agent) {
      set((state) => {
        if (!(agent in state.byAgent)) return state;
        const { [agent]: _gone, ...rest } = state.byAgent;
        return { byAgent: rest };
      });
    },
  };
});
