import type { GuardAlert } from '../../../shared/types.js';
import { headlineAlert } from '../../../shared/guard-severity.js';

/**
 * The toast for an agent's active alerts: the most severe one's words (the same alert the
 * card's banner headlines), what Enclave did about it, and how many more there are.
 */
export function guardToastText(active: readonly GuardAlert[]): string | null {
  const head = headlineAlert(active);
  if (!head) return null;
  const action = head.alert.action ? ` (${head.alert.action})` : '';
  const more = head.others ? ` +${head.others} more` : '';
  return `Guard: ${head.alert.message}${action}${more}`;
}
