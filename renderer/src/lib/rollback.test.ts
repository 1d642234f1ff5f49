import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotKind } from '../../../shared/types.js';
import { rollbackSnapshot } from './rollback.js';

const snap = (name: string, kind: SnapshotKind, createdAt: string): Snapshot => ({
  agent: 'web',
  name,
  kind,
  createdAt,
  expiresAt: null,
  comment: '',
  sizeBytes: null,
  restoredTo: null,
});

describe('rollbackSnapshot', () => {
  it('picks the newest snapshot that is not a safety one', () => {
    const list = [
      snap('snap-1', 'manual', '2027-01-01T10:00:00Z'),
      snap('auto-2', 'scheduled', '2027-01-01T11:00:00Z'),
      snap('safety-3', 'safety', '2027-01-01T12:00:00Z'),
    ];
    expect(rollbackSnapshot(list)?.name).toBe('auto-2');
    expect(rollbackSnapshot([...list].reverse())?.name).toBe('auto-2');
  });

  it('is null without snapshots, or with safety ones only', () => {
    expect(rollbackSnapshot([])).toBeNull();
    expect(rollbackSnapshot([snap('safety-1', 'safety', '2027-01-01T12:00:00Z')])).toBeNull();
  });
});
