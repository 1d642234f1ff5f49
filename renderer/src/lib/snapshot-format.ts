import type { SnapshotKind } from '../../../shared/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "45 minutes", "5 hours", "6 days": one unit, rounded, for how long until something happens. */
export function formatSpan(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.round(ms / HOUR);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.round(ms / DAY), 'day');
}

/** "expires in 6 days", "kept until deleted", or "expired" (Incus deletes it shortly). */
export function formatExpiry(expiresAt: string | null, now: number): string {
  if (!expiresAt) return 'kept until deleted';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 'kept until deleted';
  const left = at - now;
  if (left <= 0) return 'expired';
  return `expires in ${formatSpan(left)}`;
}

const UNIT_WORDS: Record<string, string> = { M: 'minute', H: 'hour', d: 'day', w: 'week', m: 'month', y: 'year' };

/** An Incus expiry ("1w 3d") in words ("1 week 3 days"); '' stays ''. */
export function describeExpiry(expiry: string): string {
  const parts = [...expiry.trim().matchAll(/(\d+)([MHdwmy])/g)].map((m) => plural(Number(m[1]), UNIT_WORDS[m[2] ?? ''] ?? ''));
  return parts.join(' ');
}

/** "(kept for 7 days)" or "(kept until deleted)". */
export function keptFor(expiry: string): string {
  const words = describeExpiry(expiry);
  return words ? `kept for ${words}` : 'kept until deleted';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export const KIND_LABELS: Record<SnapshotKind, string> = {
  manual: 'Manual',
  scheduled: 'Scheduled',
  safety: 'Safety',
};

/**
 * What a restore does, said before it happens. `safetyExpiry` is null while settings are not
 * known yet.
 */
export function restoreMessage(agent: string, snapshot: string, safetyExpiry: string | null, running: boolean): string {
  const kept = safetyExpiry === null ? 'kept as long as Settings say' : keptFor(safetyExpiry);
  const after = running
    ? 'The agent restarts; its open terminals reattach by themselves.'
    : `${agent} is not running, and stays so.`;
  return `Enclave will first take a safety snapshot of ${agent}'s current state (${kept}), then restore ${agent} to ${snapshot}. ${after}`;
}
