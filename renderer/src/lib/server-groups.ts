/** The agents grid by server: one section per server, and the filter to one of them. */
import { LOCAL_SERVER, type ServerInfo } from '../../../shared/servers.js';
import type { Agent } from '../../../shared/types.js';
import { compareNames } from '../stores/agents.js';

/** 'all', or the name of the one server shown. */
export type ServerFilter = string;
export const ALL_SERVERS = 'all';

export interface ServerGroup<A> {
  server: string;
  /** Null for agents of a server the list does not (yet) name. */
  info: ServerInfo | null;
  agents: A[];
}

/** Local first, then by name. */
export function compareServers(a: string, b: string): number {
  if (a === b) return 0;
  if (a === LOCAL_SERVER) return -1;
  if (b === LOCAL_SERVER) return 1;
  return compareNames(a, b);
}

/** The filter in force: one naming a server that is gone shows all again. */
export function effectiveFilter(filter: ServerFilter, servers: readonly Pick<ServerInfo, 'name'>[]): ServerFilter {
  return filter !== ALL_SERVERS && servers.some((s) => s.name === filter) ? filter : ALL_SERVERS;
}

/**
 * One group per server (every listed server, even with no agents, so its state and Retry
 * show), each keeping the agents' order as given. An unavailable server's group is there like
 * any other: its cards never push out another server's.
 */
export function groupByServer<A extends Pick<Agent, 'server'>>(
  agents: readonly A[],
  servers: readonly ServerInfo[],
  filter: ServerFilter,
): ServerGroup<A>[] {
  const wanted = effectiveFilter(filter, servers);
  const names = new Set<string>(servers.map((s) => s.name));
  for (const agent of agents) names.add(agent.server);
  return [...names]
    .filter((name) => wanted === ALL_SERVERS || name === wanted)
    .sort(compareServers)
    .map((name) => ({
      server: name,
      info: servers.find((s) => s.name === name) ?? null,
      agents: agents.filter((agent) => agent.server === name),
    }));
}

export interface FilterOption {
  value: ServerFilter;
  label: string;
}

/** The filter's choices with their agent counts. */
export function serverFilterOptions(agents: readonly Pick<Agent, 'server'>[], servers: readonly Pick<ServerInfo, 'name'>[]): FilterOption[] {
  const count = (name: string) => agents.filter((a) => a.server === name).length;
  const names = [...servers.map((s) => s.name)].sort(compareServers);
  return [
    { value: ALL_SERVERS, label: `All servers (${agents.length})` },
    ...names.map((name) => ({ value: name, label: `${name} (${count(name)})` })),
  ];
}

export function parseServerFilter(raw: unknown): ServerFilter {
  return typeof raw === 'string' && raw.length > 0 && raw.length <= 63 ? raw : ALL_SERVERS;
}
