import type { AgentRunState, AgentRunStatus } from '../../../shared/agent-status.js';
import type { Agent } from '../../../shared/types.js';
import { compareNames } from '../stores/agents.js';

/** What a card's run badge says: the agent's run state, or 'stopped' when it does not run. */
export type CardRunState = AgentRunState | 'stopped';
export type GridFilter = 'all' | CardRunState;
export type GridSort = 'name' | 'status';

export const GRID_FILTERS: readonly GridFilter[] = ['all', 'waiting', 'working', 'idle', 'exited', 'unknown', 'stopped'];
export const FILTER_LABELS: Record<GridFilter, string> = {
  all: 'All',
  waiting: 'Waiting for input',
  working: 'Working',
  idle: 'Idle',
  exited: 'Exited',
  unknown: 'Unknown',
  stopped: 'Not running',
};

/** Status order: what needs the user first. */
const RANK: Record<CardRunState, number> = { waiting: 0, exited: 1, working: 2, idle: 3, unknown: 4, stopped: 5 };

export function cardRunState(agent: Pick<Agent, 'status'>, status: AgentRunStatus | undefined): CardRunState {
  if (agent.status !== 'Running') return 'stopped';
  return status?.state ?? 'unknown';
}

/** The cards the grid shows, in order: filtered by run state, sorted by name or by status then name. */
export function gridAgents<A extends Pick<Agent, 'name' | 'status'>>(
  agents: readonly A[],
  statuses: Readonly<Record<string, AgentRunStatus>>,
  filter: GridFilter,
  sort: GridSort,
): A[] {
  const state = (agent: A) => cardRunState(agent, statuses[agent.name]);
  const shown = filter === 'all' ? [...agents] : agents.filter((agent) => state(agent) === filter);
  return shown.sort((a, b) => (sort === 'status' ? RANK[state(a)] - RANK[state(b)] : 0) || compareNames(a.name, b.name));
}

/** How many agents are in each run state (for the filter's labels). */
export function countByState(agents: readonly Pick<Agent, 'name' | 'status'>[], statuses: Readonly<Record<string, AgentRunStatus>>): Record<GridFilter, number> {
  const counts: Record<GridFilter, number> = { all: agents.length, waiting: 0, working: 0, idle: 0, exited: 0, unknown: 0, stopped: 0 };
  for (const agent of agents) counts[cardRunState(agent, statuses[agent.name])] += 1;
  return counts;
}

/** A saved filter or sort, or the default when it is not one this build knows. */
export function parseGridView(raw: unknown): { filter: GridFilter; sort: GridSort } {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const filter = GRID_FILTERS.includes(value.filter as GridFilter) ? (value.filter as GridFilter) : 'all';
  const sort = value.sort === 'status' ? 'status' : 'name';
  return { filter, sort };
}
