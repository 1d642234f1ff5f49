import { create } from 'zustand';

/** What this window is doing to an agent right now, e.g. "Restoring to snap-1". */
export interface AgentAction {
  action: string;
  label: string;
}

export type ActionsByAgent = Readonly<Record<string, AgentAction>>;

/** Claims every agent for an action, or none of them when one is already busy. */
export function claimAgents(byAgent: ActionsByAgent, agents: readonly string[], action: AgentAction): ActionsByAgent | null {
  if (agents.some((agent) => agent in byAgent)) return null;
  const next = { ...byAgent };
  for (const agent of agents) next[agent] = action;
  return next;
}

export function releaseAgents(byAgent: ActionsByAgent, agents: readonly string[]): ActionsByAgent {
  if (!agents.some((agent) => agent in byAgent)) return byAgent;
  const next = { ...byAgent };
  for (const agent of agents) delete next[agent];
  return next;
}

/** Refused at once when the agent already has an action of this window in flight. */
export class AlreadyBusy extends Error {
  constructor(readonly agent: string, readonly current: AgentAction) {
    super(`${agent} is busy: ${current.label.charAt(0).toLowerCase()}${current.label.slice(1)}. Try again when that finishes.`);
    this.name = 'AlreadyBusy';
  }
}

interface ActionsState {
  byAgent: ActionsByAgent;
  /** Synchronous, so a double click sees the first click's claim and sends nothing. */
  claim(agents: readonly string[], action: AgentAction): boolean;
  release(agents: readonly string[]): void;
}

export const useActions = create<ActionsState>()((set, get) => ({
  byAgent: {},
  claim(agents, action) {
    const next = claimAgents(get().byAgent, agents, action);
    if (!next) return false;
    set({ byAgent: next });
    return true;
  },
  release(agents) {
    set((state) => ({ byAgent: releaseAgents(state.byAgent, agents) }));
  },
}));

/** Runs `work` holding the agents, one action per agent at a time in this window. */
export async function withAgents<T>(agents: readonly string[], action: AgentAction, work: () => Promise<T>): Promise<T> {
  const store = useActions.getState();
  if (!store.claim(agents, action)) {
    const busy = agents.find((agent) => agent in useActions.getState().byAgent) ?? agents[0] ?? '';
    throw new AlreadyBusy(busy, useActions.getState().byAgent[busy] ?? action);
  }
  try {
    return await work();
  } finally {
    useActions.getState().release(agents);
  }
}
