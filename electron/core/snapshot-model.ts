import type { Snapshot, SnapshotKind, SnapshotSchedule } from '../../shared/types.js';
import type { InstanceSnapshot } from '../incus/snapshots.js';
import { META_PREFIX } from './agent-model.js';

export const SAFETY_PREFIX = 'safety-';
/** Incus names scheduled snapshots after `snapshots.pattern`; Enclave sets it to this. */
export const SCHEDULED_PATTERN = 'auto-%d';
const SCHEDULED_PREFIX = 'auto-';

export function snapshotKind(name: string): SnapshotKind {
  if (name.startsWith(SAFETY_PREFIX)) return 'safety';
  if (name.startsWith(SCHEDULED_PREFIX)) return 'scheduled';
  return 'manual';
}

/**
 * Where a restore went, kept in Incus rather than in words: Enclave sets this key on the
 * instance just before it takes the safety snapshot, and a snapshot keeps the instance's
 * config as it was then, which Incus lets no one change afterwards (Incus 6.0.4 ignores a
 * config in a snapshot PUT, and the volume snapshot takes none). The restore itself replaces
 * the instance's config with the target's, which drops the key again.
 */
export const RESTORING_TO_KEY = `${META_PREFIX}restoring-to`;

/** The snapshot a safety snapshot's restore went to; null for other kinds (a copy of the key inherited by one is no restore of its). */
export function restoredTo(name: string, config: Record<string, string> | undefined): string | null {
  if (snapshotKind(name) !== 'safety') return null;
  return config?.[RESTORING_TO_KEY] || null;
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
    restoredTo: restoredTo(snap.name, snap.config),
  };
}

/**
 * Orders ISO times as Incus writes them (RFC 3339 with up to 9 fraction digits, trailing zeros
 * dropped: ".72269849Z" follows ".649115825Z" within one second), which string comparison
 * gets wrong. Exact to the nanosecond; unparsable times sort first.
 */
export function compareTimes(a: string, b: string): number {
  const key = (iso: string): [number, number] => {
    const m = iso.match(/^([^.]*?)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/i);
    const seconds = Date.parse(`${m?.[1] ?? iso}${m?.[3] ?? ''}`);
    const nanos = Number((m?.[2] ?? '').padEnd(9, '0').slice(0, 9));
    return [Number.isNaN(seconds) ? -Infinity : seconds, nanos];
  };
  const [as, an] = key(a);
  const [bs, bn] = key(b);
  return as !== bs ? (as < bs ? -1 : 1) : an - bn;
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

/**
 * Comments live in the volume snapshot's description, tagged with the snapshot's name. Incus
 * copies the volume's description into every new snapshot, and a restore sets the volume's
 * description to the restored snapshot's, so without the tag later snapshots (scheduled ones
 * too) would show a comment that was never theirs.
 */
export function encodeComment(snapshot: string, comment: string): string {
  return comment ? `[${snapshot}] ${comment}` : '';
}

export function decodeComment(snapshot: string, description: string): string {
  const m = description.match(/^\[([^\]]+)\] ([\s\S]*)$/);
  if (!m) return description;
  return m[1] === snapshot ? (m[2] ?? '') : '';
}
