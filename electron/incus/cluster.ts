/**
 * Incus's cluster endpoints: whether the server is clustered, its members, each member's load.
 * Everything here is the server's word about other machines, so it is untrusted: types are
 * checked, strings and lists are bounded, and a status Incus may add later stays as its text.
 * All of these are server-wide (no project parameter).
 */
import { z } from 'zod';
import type { IncusClient } from './client.js';
import { mutate, type Operation } from './operations.js';

/** A member's state call is answered by that member (forwarded by the one we talk to): keep it short. */
export const MEMBER_STATE_TIMEOUT_MS = 5_000;
/** More members than any real cluster has; a longer list is cut. */
export const MAX_MEMBERS = 256;
const MAX_TEXT = 1024;
const MAX_ROLES = 16;

const text = (max = MAX_TEXT) =>
  z
    .string()
    .catch('')
    .transform((s) => s.slice(0, max));

const memberSchema = z.object({
  server_name: z.string().min(1).max(255),
  url: text(),
  status: text(64),
  message: text(),
  roles: z
    .array(z.unknown())
    .catch([])
    .transform((roles) => roles.filter((r): r is string => typeof r === 'string').slice(0, MAX_ROLES).map((r) => r.slice(0, 64))),
  architecture: text(64),
  failure_domain: text(255),
  description: text(),
});

/** A cluster member as `GET /1.0/cluster/members?recursion=1` lists it (checked, bounded). */
export type RawClusterMember = z.infer<typeof memberSchema>;

const clusterSchema = z.object({ enabled: z.boolean().catch(false), server_name: text(255) });

/** Whether the server is a cluster member (GET /1.0/cluster). */
export async function clusterEnabled(client: IncusClient, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  const raw = await client.get<unknown>('/1.0/cluster', { project: null, timeoutMs: opts.timeoutMs });
  const parsed = clusterSchema.safeParse(raw);
  return parsed.success && parsed.data.enabled;
}

/**
 * The members (GET /1.0/cluster/members?recursion=1). Entries that are not objects with a
 * name are dropped; a standalone server answers with an Incus error (it has no members).
 */
export async function listMembers(client: IncusClient, opts: { timeoutMs?: number } = {}): Promise<RawClusterMember[]> {
  return parseMembers(await client.get<unknown>('/1.0/cluster/members', { project: null, query: { recursion: '1' }, timeoutMs: opts.timeoutMs }));
}

/** The checked, bounded members of a member list as Incus sent it. */
export function parseMembers(raw: unknown): RawClusterMember[] {
  if (!Array.isArray(raw)) throw new TypeError('Incus listed the cluster members as something other than a list.');
  const members: RawClusterMember[] = [];
  for (const entry of raw.slice(0, MAX_MEMBERS)) {
    const parsed = memberSchema.safeParse(entry);
    if (parsed.success) members.push(parsed.data);
  }
  return members;
}

/** A finite number ≥ 0 that fits a double exactly. */
const gauge = z.number().finite().nonnegative().max(Number.MAX_SAFE_INTEGER);

const stateSchema = z.object({
  sysinfo: z.object({
    uptime: gauge.catch(0),
    load_averages: z.array(z.number().finite().nonnegative()).min(3).max(64),
    total_ram: gauge,
    free_ram: gauge,
    buffered_ram: gauge.catch(0),
    processes: gauge.catch(0),
  }),
});

/** What a member's state says about its load (GET /1.0/cluster/members/NAME/state). */
export interface MemberState {
  load1: number;
  load5: number;
  load15: number;
  memoryTotalBytes: number;
  /** total − free − buffers: sysinfo(2), which Incus reports, does not tell the page cache apart. */
  memoryUsedBytes: number;
  processes: number;
  uptimeSeconds: number;
}

function memberPath(name: string): string {
  return `/1.0/cluster/members/${encodeURIComponent(name)}`;
}

/** The member's load and memory; fails after `timeoutMs` (default MEMBER_STATE_TIMEOUT_MS) when it does not answer. */
export async function memberState(client: IncusClient, name: string, opts: { timeoutMs?: number } = {}): Promise<MemberState> {
  const raw = await client.get<unknown>(`${memberPath(name)}/state`, {
    project: null,
    timeoutMs: opts.timeoutMs ?? MEMBER_STATE_TIMEOUT_MS,
  });
  return parseMemberState(raw, name);
}

/** A member's state as Incus sent it, reduced to its load and memory. */
export function parseMemberState(raw: unknown, name: string): MemberState {
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) throw new TypeError(`Incus's state of member "${name.slice(0, 64)}" lacks its load or memory.`);
  const s = parsed.data.sysinfo;
  const [load1 = 0, load5 = 0, load15 = 0] = s.load_averages;
  return {
    load1,
    load5,
    load15,
    memoryTotalBytes: s.total_ram,
    memoryUsedBytes: Math.max(0, s.total_ram - s.free_ram - s.buffered_ram),
    processes: s.processes,
    uptimeSeconds: s.uptime,
  };
}

const resourcesSchema = z.object({ cpu: z.object({ total: z.number().int().positive().max(1 << 16) }) });

/**
 * The member's logical CPU count (GET /1.0/resources?target=NAME): the state call does not
 * carry it, and the resources call reads the member's hardware, so callers keep the answer.
 */
export async function memberCpus(client: IncusClient, name: string, opts: { timeoutMs?: number } = {}): Promise<number> {
  const raw = await client.get<unknown>('/1.0/resources', {
    project: null,
    query: { target: name },
    timeoutMs: opts.timeoutMs ?? MEMBER_STATE_TIMEOUT_MS,
  });
  return parseCpuCount(raw, name);
}

export function parseCpuCount(raw: unknown, name: string): number {
  const parsed = resourcesSchema.safeParse(raw);
  if (!parsed.success) throw new TypeError(`Incus's resources of member "${name.slice(0, 64)}" lack a CPU count.`);
  return parsed.data.cpu.total;
}

/**
 * Evacuates a member (its instances move or stop, per their `cluster.evacuate`) or restores
 * it (POST /1.0/cluster/members/NAME/state), and waits for the operation.
 */
export function changeMemberState(client: IncusClient, name: string, action: 'evacuate' | 'restore'): Promise<Operation | null> {
  return mutate(client, 'POST', `${memberPath(name)}/state`, { project: null, body: { action } });
}
