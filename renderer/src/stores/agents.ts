import { create } from 'zustand';
import type { Agent, AgentsChange } from '../../../shared/types.js';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, noteChange, type Loads } from '../lib/reconcile.js';

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
  /** agents.list calls and the changes pushed while one is in flight (lib/reconcile.ts). */
  loads: Loads<AgentsChange>;
  apply(change: AgentsChange): void;
  beginLoad(): number;
  finishLoad(loadId: number, agents: Agent[]): void;
  abandonLoad(loadId: number): void;
}

export const useAgents = create<AgentsState>()((set, get) => ({
  agents: [],
  loaded: false,
  loads: NO_LOADS,
  apply(change) {
    set((state) => ({
      agents: applyAgentsChange(state.agents, change),
      loaded: state.loaded || change.kind === 'reset',
      loads: noteChange(state.loads, change),
    }));
  },
  beginLoad() {
    const { loads, id } = beginLoad(get().loads);
    set({ loads });
    return id;
  },
  finishLoad(loadId, agents) {
    const done = finishLoad(get().loads, loadId, applyAgentsChange([], { kind: 'reset', agents }), applyAgentsChange);
    if (done) set({ agents: done.value, loaded: true, loads: done.loads });
  },
  abandonLoad(loadId) {
    set((state) => ({ loads: abandonLoad(state.loads, loadId) }));
  },
}));
