/**
 * What the dashboard shows while Incus does not answer. The agents keep running without it, so
 * the last known cards stay (greyed, "Incus unavailable since …") under the outage panel; only a
 * cold start that never saw an agent shows the connection screen alone.
 */
import type { ConnectionStatus } from '../../../shared/types.js';
import { formatDuration } from './time.js';

export type Unavailable = Extract<ConnectionStatus, { state: 'unavailable' }>;
export type Connecting = Extract<ConnectionStatus, { state: 'connecting' }>;

export type MainView =
  | { kind: 'connecting' }
  | { kind: 'connection-screen'; status: Unavailable }
  | { kind: 'grid' }
  /** The last known cards, greyed, under the outage panel. */
  | { kind: 'stale-grid'; status: Unavailable | Connecting; since: string };

/**
 * When the outage the status belongs to began, or null when there is none (connected, or still
 * making the first connection). The backend dates it (`since`); a status without it (an older
 * backend) keeps the date already known, else takes `now`, so the time never moves forward
 * while the same outage goes on.
 */
export function nextOutageSince(previous: string | null, status: ConnectionStatus | null, now: number): string | null {
  if (status === null) return previous;
  if (status.state === 'connected') return null;
  if (status.since) return status.since;
  if (status.state === 'connecting') return previous;
  return previous ?? new Date(now).toISOString();
}

export function mainView(status: ConnectionStatus | null, cardsKnown: boolean, since: string | null): MainView {
  if (status === null) return { kind: 'connecting' };
  if (status.state === 'connected') return { kind: 'grid' };
  // Reconnecting after a loss, or unavailable: the cards already on screen stay.
  if (cardsKnown && since !== null) return { kind: 'stale-grid', status, since };
  if (status.state === 'connecting') return { kind: 'connecting' };
  return { kind: 'connection-screen', status };
}

/** Tooltip of a control that needs Incus, disabled while it does not answer. */
export const NEEDS_INCUS = 'Needs Incus, which is not answering: available again once it is back.';

/**
 * The two halves of the outage line: `at` when it began ("10:31:05 PM", or with `short`, a
 * card's width, "10:31 PM"; an outage older than a day names the date) and `lasting`
 * ("for 2 min 12 s"), which moves on every second.
 */
export function outageParts(since: string, now: number, short = false): { at: string; lasting: string } | null {
  const then = Date.parse(since);
  if (Number.isNaN(then)) return null;
  const elapsed = Math.max(0, now - then);
  const date = new Date(then);
  const longAgo = elapsed >= 24 * 3600_000;
  const at = short
    ? longAgo
      ? date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })
      : date.toLocaleTimeString([], { timeStyle: 'short' })
    : longAgo
      ? date.toLocaleString()
      : date.toLocaleTimeString();
  return { at, lasting: `for ${formatDuration(elapsed)}` };
}

/** "Incus unavailable since 10:31:05 PM (for 2 min 12 s)". */
export function outageText(since: string, now: number): string {
  const parts = outageParts(since, now);
  return parts ? `Incus unavailable since ${parts.at} (${parts.lasting})` : 'Incus unavailable';
}
