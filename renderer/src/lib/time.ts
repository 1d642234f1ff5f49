const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "42 s", "4 min 12 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
  if (total < MINUTE) return `${total / SECOND} s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)} min ${Math.floor((total % MINUTE) / SECOND)} s`;
  if (total < DAY) return `${Math.floor(total / HOUR)} h ${Math.floor((total % HOUR) / MINUTE)} min`;
  return `${Math.floor(total / DAY)} d ${Math.floor((total % DAY) / HOUR)} h`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; past a month, the date itself. */
export function formatRelative(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const ago = now - then;
  if (ago < 45 * SECOND) return 'just now';
  if (ago < HOUR) return `${Math.max(1, Math.round(ago / MINUTE))} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 30 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return new Date(then).toLocaleDateString();
}

export function formatExact(iso: string): string {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? iso : new Date(then).toLocaleString();
}

/** Whole seconds left until `iso`, never negative. */
export function secondsUntil(iso: string, now: number): number {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 0;
  return Math.max(0, Math.ceil((then - now) / SECOND));
}
