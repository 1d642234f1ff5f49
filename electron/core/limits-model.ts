import type { AgentLimits } from '../../shared/types.js';

/**
 * Resource limits as a pure model: AgentLimits (Incus's own notation, '' = unlimited) ↔ Incus
 * config keys and the root disk device, and what the activity log and the reply say about a
 * change. The contract has already checked every value against shared/limits.ts.
 */

/** Config keys for a PATCH: '' removes a key (verified on Incus 6.0: PATCH with "" unsets it). */
export function limitsPatch(limits: Partial<AgentLimits>): Record<string, string> {
  const config: Record<string, string> = {};
  if (limits.cpu !== undefined) {
    // A count pins cores (limits.cpu); a percentage is a share of the host (limits.cpu.allowance).
    // Only one of the two is kept, so the other is removed.
    const share = limits.cpu.endsWith('%');
    config['limits.cpu'] = share ? '' : limits.cpu;
    config['limits.cpu.allowance'] = share ? limits.cpu : '';
  }
  if (limits.memory !== undefined) config['limits.memory'] = limits.memory;
  if (limits.processes !== undefined) config['limits.processes'] = limits.processes;
  return config;
}

/** Config keys for a new instance: the unlimited ones are simply not set. */
export function limitsConfig(limits: AgentLimits): Record<string, string> {
  return Object.fromEntries(Object.entries(limitsPatch(limits)).filter(([, v]) => v !== ''));
}

/** The name and device of a root disk ("disk" at path "/") among devices. */
export function findRoot(devices: Record<string, Record<string, string>> | undefined): [string, Record<string, string>] | undefined {
  return Object.entries(devices ?? {}).find(([, d]) => d.type === 'disk' && d.path === '/');
}

/**
 * The instance's own root device with `size` set ('' = no size: the pool decides), based on
 * its own override, else on the root device its profiles give it (same name, so it overrides).
 */
export function rootDeviceWithSize(
  own: Record<string, Record<string, string>> | undefined,
  inherited: Record<string, Record<string, string>> | undefined,
  size: string,
): Record<string, Record<string, string>> {
  const [name, base] = findRoot(own) ?? findRoot(inherited) ?? ['root', { type: 'disk', path: '/' }];
  const device: Record<string, string> = { ...base };
  if (size) device.size = size;
  else delete device.size;
  return { [name]: device };
}

/** "limits changed: memory 2GiB → 512MiB, processes unlimited → 100" for the activity log. */
export function limitsChangeText(before: AgentLimits, change: Partial<AgentLimits>): string {
  const show = (v: string) => v || 'unlimited';
  const parts = (Object.keys(change) as (keyof AgentLimits)[])
    .filter((k) => change[k] !== undefined)
    .map((k) => `${k} ${show(before[k])} → ${show(change[k]!)}`);
  return `limits changed: ${parts.join(', ')}`;
}

const LIVE_NOTE = 'CPU, memory and process limits apply now.';

/** What applies when, for a change of `keys` on an agent in `status` whose root is on a `driver` pool. */
export function limitsNotes(keys: (keyof AgentLimits)[], running: boolean, driver: string | null): string[] {
  const notes: string[] = [];
  const live = keys.filter((k) => k !== 'disk');
  if (live.length) notes.push(running ? LIVE_NOTE : 'CPU, memory and process limits apply when the agent next starts.');
  if (keys.includes('disk')) {
    if (driver === 'btrfs') {
      notes.push(
        `The disk size ${running ? 'applies now' : 'is set'} (a btrfs quota). It counts the data the agent shares with its image too, so it must be well above the image's size.`,
      );
    } else if (driver === 'dir') {
      notes.push('The disk size is recorded, but a "dir" pool enforces it only where its filesystem supports project quotas.');
    } else {
      notes.push(`The disk size is applied by the ${driver ?? 'storage'} pool; some drivers only grow a disk, never shrink it.`);
    }
  }
  return notes;
}

/** Config and devices for a new agent with these limits, its root based on the one its profile gives (`inherited`). */
export function limitsSpec(
  limits: AgentLimits,
  inherited: Record<string, Record<string, string>> | undefined,
): { config: Record<string, string>; devices: Record<string, Record<string, string>> } {
  const config = limitsConfig(limits);
  if (!limits.disk) return { config, devices: {} };
  return { config, devices: rootDeviceWithSize(undefined, inherited, limits.disk) };
}
