import { create } from 'zustand';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

export type RunStatusByAgent = Readonly<Record<string, AgentRunStatus>>;

export function applyRunStatus(byAgent: RunStatusByAgent, status: AgentRunStatus): RunStatusByAgent {
  return { ...byAgent, [status.agent]: status };
}

/** An agents.runStatus reply: the backend's whole list, replacing what was known. */
export function replaceRunStatus(list: readonly AgentRunStatus[]): RunStatusByAgent {
  const byAgent: Record<string, AgentRunStatus> = {};
  for (const status of list) byAgent[status.agent] = status;
  return byAgent;
}

interface RunStatusState {
  byAgent: RunStatusByAgent;
  /** agents.runStatus calls and the changes pushed while one is in flight (lib/reconcile.ts). */
  loads: Loads<AgentRunStatus>;
  /**
   * A load answered since this window last (re)connected to the backend: only then is a
   * pushed change news (a state first seen after a reload or a reconnect is not).
   */
  synced: boolean;
  /** Applies a pushed change; returns the agent's status as it was before (undefined when new). */
  apply(status: AgentRunStatus): AgentRunStatus | undefined;
  beginLoad(): number;
  loaded(list: readonly AgentRunStatus[], loadId: number): void;
  abandonLoad(loadId: number): void;
  /** The link to the backend dropped: what comes until the next load is not news. */
  unsync(): void;
  forget(agent: string): void;
}

export const useRunStatus = create<RunStatusState>()((set, get) => ({
  byAgent: {},
  loads: NO_LOADS,
  synced: false,
  apply(status) {
    const before = get().byAgent[status.agent];
    set((state) => ({ byAgent: applyRunStatus(state.byAgent, status), loads: noteChange(state.loads, status) }));
    return before;
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  loaded(list, loadId) {
    const done = finishLoad(get().loads, loadId, replaceRunStatus(list), applyRunStatus);
    if (done) set({ byAgent: done.value, loads: done.loads, synced: true });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
  unsync() {
    set({ synced: false });
  },
  forget(agent) {
    set((state) => {
      if (!(agent in state.byAgent)) return state;
      const { [agent]: _gone, ...rest } = state.byAgent;
      return { byAgent: rest };
    });
  },
}));
