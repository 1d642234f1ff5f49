import { create } from 'zustand';
import type { Agent, AgentsChange } from '../../../shared/types.js';

/** "agent-2" before "agent-10". */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

const byName = (a: Agent, b: Agent) => compareNames(a.name, b.name);

export function applyAgentsChange(agents: readonly Agent[], change: AgentsChange): readonly Agent[] {
  switch (change.kind) {
    case 'reset':
      return [...change.agents].sort(byName);
    case 'upsert': {
      const index = agents.findIndex((agent) => agent.name === change.agent.name);
      if (index === -1) return [...agents, change.agent].sort(byName);
      return agents.map((agent, i) => (i === index ? change.agent : agent));
    }
    case 'removed':
      return agents.some((agent) => agent.name === change.name)
        ? agents.filter((agent) => agent.name !== change.name)
        : agents;
  }
}

interface AgentsState {
  agents: readonly Agent[];
  /** False until the first agents.list (or a pushed reset) arrives. */
  loaded: boolean;
  /**
   * Changes pushed while an agents.list call is in flight. The list may have been read from
   * Incus before some of them happened, so they are replayed over its result.
   */
  replay: AgentsChange[] | null;
  loadId: number;
  apply(change: AgentsChange): void;
  beginLoad(): number;
  finishLoad(loadId: number, agents: Agent[]): void;
  abandonLoad(loadId: number): void;
}

export const useAgents = create<AgentsState>()((set, get) => ({
  agents: [],
  loaded: false,
  replay: null,
  loadId: 0,
  apply(change) {
    set((state) => ({
      agents: applyAgentsChange(state.agents, change),
      loaded: state.loaded || change.kind === 'reset',
      replay: state.replay ? [...state.replay, change] : null,
    }));
  },
  beginLoad() {
    const loadId = get().loadId + 1;
    set({ loadId, replay: [] });
    return loadId;
  },
  finishLoad(loadId, agents) {
    const state = get();
    if (loadId !== state.loadId) return;
    const base = applyAgentsChange([], { kind: 'reset', agents });
    set({ agents: (state.replay ?? []).reduce(applyAgentsChange, base), loaded: true, replay: null });
  },
  abandonLoad(loadId) {
    if (loadId === get().loadId) set({ replay: null });
  },
}));
