import type { Snapshot } from '../../../shared/types.js';
import { timeOf } from './timeline.js';

/**
 * The snapshot a guard alert's "Roll back" restores: the agent's newest one that is not a
 * safety snapshot (those hold the state a restore replaced, not a known-good one). Null: none.
 */
export function rollbackSnapshot(snapshots: readonly Snapshot[]): Snapshot | null {
  let best: Snapshot | null = null;
  for (const snapshot of snapshots) {
    if (snapshot.kind === 'safety') continue;
    if (
      !best ||
      timeOf(snapshot.createdAt) > timeOf(best.createdAt) ||
      (timeOf(snapshot.createdAt) === timeOf(best.createdAt) && snapshot.name > best.name)
    ) {
      best = snapshot;
    }
  }
  return best;
}
