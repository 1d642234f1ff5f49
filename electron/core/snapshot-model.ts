import type { Snapshot, SnapshotKind, SnapshotSchedule } from '../../shared/types.js';
import type { InstanceSnapshot } from '../incus/snapshots.js';

export const SAFETY_PREFIX = 'safety-';
/** Incus names scheduled snapshots after `snapshots.pattern`; Enclave sets it to this. */
export const SCHEDULED_PATTERN = 'auto-%d';
const SCHEDULED_PREFIX = 'auto-';

export function snapshotKind(name: string): SnapshotKind {
  if (name.startsWith(SAFETY_PREFIX)) return 'safety';
  if (name.startsWith(SCHEDULED_PREFIX)) return 'scheduled';
  return 'manual';
}

export function toSnapshot(agent: string, snap: InstanceSnapshot, comment: string): Snapshot {
  const expires = snap.expires_at && !snap.expires_at.startsWith('0001-01-01') ? snap.expires_at : null;
  return {
    agent,
    name: snap.name,
    kind: snapshotKind(snap.name),
    createdAt: snap.created_at,
    expiresAt: expires,
    comment,
    sizeBytes: typeof snap.size === 'number' && snap.size >= 0 ? snap.size : null,
  };
}

/** The instance config keys that carry an agent's automatic snapshots. */
export function scheduleConfig(schedule: SnapshotSchedule): Record<string, string> {
  return {
    'snapshots.schedule': schedule.schedule.trim(),
    'snapshots.expiry': schedule.expiry.trim(),
    'snapshots.pattern': SCHEDULED_PATTERN,
  };
}

/** "snap-20261129-051500" style names, unique among `taken`. */
export function timestampName(prefix: string, now: Date, taken: Iterable<string>): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const used = new Set(taken);
  const base = `${prefix}${stamp}`;
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}
