import { LOCAL_SERVER } from '../../shared/servers.js';
import type { Agent, AgentLimits, AgentStatus, CloneSource } from '../../shared/types.js';
import { workspaceFromMeta } from './workspace/meta.js';
import type { Instance } from '../incus/instances.js';
import { isolationProblems } from './isolation/drift.js';
import { networkOf } from './network/policy-model.js';

export const META_PREFIX = 'user.enclave.';

const STATUSES: readonly AgentStatus[] = ['Running', 'Stopped', 'Frozen', 'Error', 'Starting', 'Stopping', 'Freezing'];

/**
 * Incus reports a never-used instance's last_used_at as a zero time: the Unix epoch in
 * Incus 6.0 (`1970-01-01T00:00:00Z`), Go's zero time (`0001-01-01…`) in older releases.
 */
function realTime(iso: string | undefined): string | null {
  if (!iso || !(Date.parse(iso) > 0)) return null;
  return iso;
}

function imageLabel(config: Record<string, string>): string {
  const alias = config[`${META_PREFIX}image`];
  if (alias) return alias;
  const desc = config['image.description'];
  if (desc) return desc;
  const parts = [config['image.os'], config['image.release'], config['image.variant']].filter(Boolean);
  if (parts.length) return parts.join(' ');
  const fp = config['volatile.base_image'];
  return fp ? fp.slice(0, 12) : 'unknown';
}

/** The root disk device: the instance's own, else the one its profiles give it. */
export function rootDisk(inst: Pick<Instance, 'devices' | 'expanded_devices'>): Record<string, string> | undefined {
  const isRoot = (d: Record<string, string>) => d.type === 'disk' && d.path === '/';
  return Object.values(inst.devices ?? {}).find(isRoot) ?? Object.values(inst.expanded_devices ?? {}).find(isRoot);
}

function limitsOf(inst: Instance): AgentLimits {
  const c = inst.config ?? {};
  return {
    cpu: c['limits.cpu'] || c['limits.cpu.allowance'] || '',
    memory: c['limits.memory'] ?? '',
    processes: c['limits.processes'] ?? '',
    disk: rootDisk(inst)?.size ?? '',
  };
}

/**
 * Where a clone came from, out of its `user.enclave.cloned-from`: the Incus copy source
 * Enclave wrote, "agent" or "agent/snapshot" (Incus allows no "/" in either name). Anything
 * else (a hand-edited key) is no known source.
 */
export function cloneSourceOf(value: string | undefined): CloneSource | null {
  const m = value?.match(/^([^/\s]+)(?:\/([^/\s]+))?$/);
  if (!m?.[1]) return null;
  return { agent: m[1], snapshot: m[2] ?? null };
}

/** The value `cloneSourceOf` reads back, and the copy source Incus takes. */
export function cloneSourceText(source: CloneSource): string {
  return source.snapshot === null ? source.agent : `${source.agent}/${source.snapshot}`;
}

/** An Incus instance as the renderer sees it: derived purely from the instance object. */
export function toAgent(inst: Instance): Agent {
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(inst.config ?? {})) {
    if (key.startsWith(META_PREFIX)) meta[key.slice(META_PREFIX.length)] = value;
  }
  const status = (STATUSES as readonly string[]).includes(inst.status) ? (inst.status as AgentStatus) : 'Unknown';
  return {
    name: inst.name,
    server: LOCAL_SERVER,
    location: inst.location && inst.location !== 'none' ? inst.location : null,
    status,
    image: imageLabel(inst.config ?? {}),
    createdAt: inst.created_at,
    lastStartedAt: realTime(inst.last_used_at),
    managed: Object.keys(meta).length > 0,
    description: inst.description ?? '',
    meta,
    clonedFrom: cloneSourceOf(meta['cloned-from']),
    snapshotSchedule: { schedule: inst.config?.['snapshots.schedule'] ?? '', expiry: inst.config?.['snapshots.expiry'] ?? '' },
    limits: limitsOf(inst),
    network: networkOf(inst),
    isolation: isolationProblems(inst),
    workspace: workspaceFromMeta(meta),
  };
}

/** The instance name an event's `source` path refers to, if any. */
export function instanceFromSource(source: string): { name: string; rest: string } | null {
  const m = source.match(/^\/1\.0\/instances\/([^/?]+)(\/[^?]*)?/);
  if (!m?.[1]) return null;
  return { name: decodeURIComponent(m[1]), rest: m[2] ?? '' };
}
