/**
 * When the Changes panel reads an agent's work again. The backend answers an unchanged tree
 * from cache, so a read every few seconds is cheap; still, nothing is read while the panel is
 * off screen, the window is hidden, or the agent is not running (its work cannot change then).
 */

export const CHANGES_POLL_MS = 3000;

export interface PollInput {
  hasWorkspace: boolean;
  running: boolean;
  /** The panel is on screen and the window is not hidden. */
  visible: boolean;
  /** A read is under way (one at a time). */
  inFlight: boolean;
  /** When the last read ended (answer or error), null before the first. */
  lastAt: number | null;
  now: number;
}

export type PollDecision =
  | { kind: 'now' }
  | { kind: 'later'; inMs: number }
  | { kind: 'paused'; why: 'no-workspace' | 'hidden' | 'stopped' | 'in-flight' };

export function pollDecision(input: PollInput): PollDecision {
  if (!input.hasWorkspace) return { kind: 'paused', why: 'no-workspace' };
  if (input.inFlight) return { kind: 'paused', why: 'in-flight' };
  if (!input.visible) return { kind: 'paused', why: 'hidden' };
  // A stopped agent is read once (the backend says it is stopped and why nothing is shown).
  if (input.lastAt === null) return { kind: 'now' };
  if (!input.running) return { kind: 'paused', why: 'stopped' };
  const waited = input.now - input.lastAt;
  return waited >= CHANGES_POLL_MS ? { kind: 'now' } : { kind: 'later', inMs: CHANGES_POLL_MS - waited };
}
