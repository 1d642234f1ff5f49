/**
 * A clustered server's members as the dashboard shows them: Incus's status and message, the
 * roles, each member's load, and how many of Enclave's agents are placed on it. Each member's
 * load is asked in parallel with a timeout of its own, so one slow or offline member shows
 * `load: null` and never holds back the others.
 */
import type { ClusterMember } from '../../../shared/servers.js';
import type { IncusClient } from '../../incus/client.js';
import { MEMBER_STATE_TIMEOUT_MS, clusterEnabled, listMembers, memberCpus, memberState, type RawClusterMember } from '../../incus/cluster.js';

export interface ReadClusterOptions {
  /** ms for each member's state call (default MEMBER_STATE_TIMEOUT_MS); also bounds the list calls. */
  timeoutMs?: number;
  /**
   * CPU counts already known, by member name: the count comes from the member's resources,
   * which read its hardware, so a caller that reads the cluster often keeps one map per server.
   */
  cpuCounts?: Map<string, number>;
}

/** Anything placed on a member: an Instance (`location`) or an Agent (`location: string | null`). */
export interface Placed {
  location?: string | null;
}

/** The members, or null when the server is not clustered. */
export async function readCluster(
  client: IncusClient,
  agents: Iterable<Placed>,
  opts: ReadClusterOptions = {},
): Promise<ClusterMember[] | null> {
  const timeoutMs = opts.timeoutMs ?? MEMBER_STATE_TIMEOUT_MS;
  if (!(await clusterEnabled(client, { timeoutMs }))) return null;
  const members = await listMembers(client, { timeoutMs });
  const placed = new Map<string, number>();
  for (const a of agents) if (a.location) placed.set(a.location, (placed.get(a.location) ?? 0) + 1);
  return Promise.all(members.map((m) => viewMember(client, m, placed.get(m.server_name) ?? 0, timeoutMs, opts.cpuCounts)));
}

async function viewMember(
  client: IncusClient,
  m: RawClusterMember,
  agents: number,
  timeoutMs: number,
  cpuCounts: Map<string, number> | undefined,
): Promise<ClusterMember> {
  return {
    name: m.server_name,
    url: m.url,
    status: m.status,
    message: m.message,
    roles: m.roles,
    // Incus already knows an offline member will not answer: asking would only wait out the timeout.
    load: m.status === 'Offline' ? null : await memberLoad(client, m.server_name, timeoutMs, cpuCounts),
    agents,
  };
}

async function memberLoad(
  client: IncusClient,
  name: string,
  timeoutMs: number,
  cpuCounts: Map<string, number> | undefined,
): Promise<ClusterMember['load']> {
  const known = cpuCounts?.get(name);
  const [state, cpus] = await Promise.all([
    memberState(client, name, { timeoutMs }).catch(() => null),
    known !== undefined ? known : memberCpus(client, name, { timeoutMs }).catch(() => null),
  ]);
  if (state === null || cpus === null) return null;
  cpuCounts?.set(name, cpus);
  return { cpus, load1: state.load1, memoryUsedBytes: state.memoryUsedBytes, memoryTotalBytes: state.memoryTotalBytes };
}
