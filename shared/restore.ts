import type { AgentStatus } from './types.js';

/**
 * What a restore leaves an agent in, by its status before: one that runs (or is frozen, or
 * on its way to either) is restarted from the snapshot and runs, everything that ran in it
 * ended; any other is left as it is (a stopped agent stays stopped). Checked against Incus
 * 6.0.4: a restore of a frozen container stops and starts it, Running after; of a stopped one
 * leaves it Stopped. The backend holds to this and the confirmation says it.
 */
export function restartsOnRestore(status: AgentStatus): boolean {
  return status === 'Running' || status === 'Frozen' || status === 'Freezing' || status === 'Starting';
}
