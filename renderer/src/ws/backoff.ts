export const FIRST_RETRY_MS = 250;
export const MAX_RETRY_MS = 5_000;

/** Delay before reconnect attempt number `attempt` (0-based): doubling from 250 ms, capped at 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt));
}
