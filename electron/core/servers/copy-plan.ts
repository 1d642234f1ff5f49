/**
 * What a copy of an agent on another server is made as (pure): Incus's own rules for a remote
 * copy (no volatile keys but the base image, the source's config, profiles and devices), minus
 * what names things of the source server, which cannot follow: NICs (on the source's bridges,
 * with its addresses) become `type: none` until the target's network policy is applied; host-path
 * disks, custom volumes and other host devices are left out. Each left-out device is reported.
 */
import type { ErrorCode } from '../../../shared/types.js';
import type { Instance } from '../../incus/instances.js';
import { isHostDisk } from '../isolation/drift.js';
import { findRoot } from '../limits-model.js';
import { nicBridge } from '../network/nic.js';
import { META_PREFIX } from '../agent-model.js';
import { WORKSPACE_META } from '../workspace/meta.js';

type Device = Record<string, string>;
type Devices = Record<string, Device>;

/** Marks a copy until its transfer succeeded; a copy still marked is unfinished (removeUnfinishedCopies). */
export const COPYING_KEY = `${META_PREFIX}copying`;

/** A device of the source that the copy does not have, and why. */
export interface LeftOutDevice {
  device: string;
  kind: 'nic' | 'host-disk' | 'volume' | 'device';
  /** What it was, in Incus's words (bounded). */
  what: string;
}

/** The source instance as copyAgentTo reads it (Incus's instance plus its architecture). */
export type SourceInstance = Pick<Instance, 'name' | 'type' | 'description' | 'ephemeral' | 'profiles' | 'config' | 'devices'> & {
  architecture: string;
};

export interface TargetFacts {
  /** The copy's name is held on the target already. */
  nameTaken: boolean;
  /** Devices of each of the source's profiles in the target project; null where it has no such profile. */
  profiles: Record<string, Devices | null>;
  /** The pools the target has, among those `poolsToCheck` named. */
  pools: ReadonlySet<string>;
}

/** The body of the target's POST /1.0/instances, without its `source`. */
export interface CopySpec {
  name: string;
  architecture: string;
  type: 'container' | 'virtual-machine';
  description: string;
  ephemeral: boolean;
  stateful: false;
  profiles: string[];
  config: Record<string, string>;
  devices: Devices;
  /** volatile.base_image of the source, which lets the target start from its copy of that image. */
  baseImage: string;
}

export type CopyPlan =
  | { ok: true; spec: CopySpec; leftOut: LeftOutDevice[]; notes: string[]; pool: string }
  | { ok: false; code: ErrorCode; message: string };

export interface PlanInput {
  source: SourceInstance;
  newName: string;
  /** Labels of the two servers, for messages. */
  from: string;
  to: string;
  /** The target's project, for messages. */
  project: string;
  /** Keys to set on the copy besides the source's (e.g. where it was copied from). */
  extraConfig?: Record<string, string>;
}

const clip = (s: string, max = 120) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The root device the target's profiles give (the last profile that has one wins, as in Incus). */
function profileRoot(source: SourceInstance, facts: Pick<TargetFacts, 'profiles'>): [string, Device] | undefined {
  let root: [string, Device] | undefined;
  for (const p of source.profiles) {
    const found = findRoot(facts.profiles[p] ?? undefined);
    if (found) root = found;
  }
  return root;
}

/** The pools whose existence on the target decides the copy's root disk. */
export function poolsToCheck(source: SourceInstance, profiles: Record<string, Devices | null>): string[] {
  const own = findRoot(source.devices)?.[1].pool;
  const inherited = profileRoot(source, { profiles })?.[1].pool;
  return [...new Set([own, inherited].filter((p): p is string => !!p))];
}

export function planCopy(input: PlanInput, facts: TargetFacts): CopyPlan {
  const { source, newName, from, to, project } = input;
  const config = source.config ?? {};
  if (config[`${META_PREFIX}${WORKSPACE_META.mode}`] === 'mount') {
    const folder = config[`${META_PREFIX}${WORKSPACE_META.source}`] ?? 'a folder';
    return {
      ok: false,
      code: 'conflict',
      message: `${source.name} works on ${clip(folder)} mounted live from the computer Enclave runs on; that folder cannot follow it to ${to}. Only agents whose workspace is a copy on their own disk (or who have none) can be copied to another server.`,
    };
  }
  if (facts.nameTaken) {
    return { ok: false, code: 'conflict', message: `${to} already has an agent or instance named "${newName}" in project ${project}. Choose another name.` };
  }
  const missing = source.profiles.filter((p) => facts.profiles[p] === null || facts.profiles[p] === undefined);
  if (missing.length) {
    const list = missing.map((p) => `"${p}"`).join(', ');
    return {
      ok: false,
      code: 'not-found',
      message: `${to} has no profile ${list} in project ${project}, which ${source.name} uses on ${from}. Connect Enclave to ${to} so that it sets up its profile there, or create the profile, then copy again.`,
    };
  }

  const notes: string[] = [];
  const leftOut: LeftOutDevice[] = [];
  const devices: Devices = {};
  const inherited = profileRoot(source, facts);
  const inheritedPool = inherited?.[1].pool;
  let pool: string | undefined;
  for (const [name, d] of Object.entries(source.devices ?? {})) {
    if (d.type === 'disk' && d.path === '/') {
      const own = d.pool;
      if (own && facts.pools.has(own)) {
        devices[name] = { ...d };
        pool = own;
      } else if (inheritedPool && facts.pools.has(inheritedPool)) {
        devices[name] = { ...d, pool: inheritedPool };
        pool = inheritedPool;
        if (own) notes.push(`${to} has no storage pool "${own}": the copy's root disk is on its pool "${inheritedPool}".`);
      } else {
        return {
          ok: false,
          code: 'not-found',
          message: `${to} has no storage pool "${own ?? '(none named)'}" for ${source.name}'s root disk, and its profiles (${source.profiles.join(', ') || 'none'}) give none. Create a storage pool on ${to} (and a root disk in its profile), then copy again.`,
        };
      }
    } else if (d.type === 'none') {
      devices[name] = { type: 'none' };
    } else if (d.type === 'nic') {
      devices[name] = { type: 'none' };
      const on = nicBridge(d) ?? d.nictype ?? d.parent ?? 'a network';
      leftOut.push({ device: name, kind: 'nic', what: clip(`nic on ${on}${d['ipv4.address'] ? ` (${d['ipv4.address']})` : ''}`) });
    } else if (d.type === 'disk' && isHostDisk(d)) {
      leftOut.push({ device: name, kind: 'host-disk', what: clip(`${d.source ?? ''} at ${d.path ?? '?'}`) });
    } else if (d.type === 'disk' && d.pool) {
      leftOut.push({ device: name, kind: 'volume', what: clip(`volume ${d.pool}/${d.source ?? ''} at ${d.path ?? '?'}`) });
    } else {
      leftOut.push({ device: name, kind: 'device', what: clip(`${d.type ?? 'unknown'} ${d.source || d.path || d.listen || ''}`.trim()) });
    }
  }
  if (pool === undefined) {
    if (!inheritedPool || !facts.pools.has(inheritedPool)) {
      return {
        ok: false,
        code: 'not-found',
        message: `${to}'s profiles (${source.profiles.join(', ') || 'none'}) in project ${project} give ${source.name} no root disk on a storage pool ${to} has. Give the profile a root disk there, then copy again.`,
      };
    }
    pool = inheritedPool;
  }

  const copied: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === COPYING_KEY) continue;
    // Incus's rule for a remote copy: no volatile keys but the base image.
    if (k.startsWith('volatile.') && k !== 'volatile.base_image') continue;
    copied[k] = v;
  }
  return {
    ok: true,
    pool,
    leftOut,
    notes,
    spec: {
      name: newName,
      architecture: source.architecture,
      type: source.type,
      description: source.description ?? '',
      ephemeral: source.ephemeral,
      stateful: false,
      profiles: [...source.profiles],
      config: { ...copied, ...input.extraConfig },
      devices,
      baseImage: config['volatile.base_image'] ?? '',
    },
  };
}
