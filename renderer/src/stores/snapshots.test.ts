import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/types.js';
import {
  type SnapshotsByAgent,
  applySnapshotsChange,
  beginSnapshotsLoad,
  forgetAgent,
  receiveSnapshotsList,
  removeSnapshot,
  snapshotsLoadFailed,
  upsertSnapshot,
} from './snapshots.js';

function snap(name: string, minute: number, comment = ''): Snapshot {
  return {
    agent: 'web',
    name,
    kind: 'manual',
    createdAt: new Date(Date.UTC(2026, 10, 29, 10, minute)).toISOString(),
    expiresAt: null,
    comment,
    sizeBytes: null,
    restoredTo: null,
  };
}

const names = (byAgent: SnapshotsByAgent, agent = 'web') => byAgent[agent]?.snapshots.map((s) => s.name);

describe('snapshots store', () => {
  it('loads an agent lazily: loading, then the list, oldest first', () => {
    const begun = beginSnapshotsLoad({}, 'web');
    expect(begun.byAgent.web?.state).toBe('loading');
    const state = receiveSnapshotsList(begun.byAgent, 'web', [snap('b', 2), snap('a', 1)], begun.loadId);
    expect(state.web?.state).toBe('ready');
    expect(names(state)).toEqual(['a', 'b']);
  });

  it('does not reset a known agent when asked to load it again', () => {
    const first = beginSnapshotsLoad({}, 'web');
    const state = receiveSnapshotsList(first.byAgent, 'web', [snap('a', 1)], first.loadId);
    const again = beginSnapshotsLoad(state, 'web').byAgent;
    expect(again.web).toMatchObject({ state: 'ready', snapshots: state.web?.snapshots });
  });

  it('takes pushed lists whole, and drops a list reply that a push overtook', () => {
    const begun = beginSnapshotsLoad({}, 'web');
    let state = applySnapshotsChange(begun.byAgent, { agent: 'web', snapshots: [snap('a', 1), snap('new', 5)] });
    state = receiveSnapshotsList(state, 'web', [snap('a', 1)], begun.loadId);
    expect(names(state)).toEqual(['a', 'new']);
    expect(state.web?.state).toBe('ready');
  });

  it('keeps a snapshot a reply created during a list call in flight', () => {
    const ready = applySnapshotsChange({}, { agent: 'web', snapshots: [snap('a', 1)] });
    const begun = beginSnapshotsLoad(ready, 'web');
    const state = upsertSnapshot(begun.byAgent, snap('mine', 9));
    // The list was read before "mine" was taken, and no push followed (yet).
    expect(names(receiveSnapshotsList(state, 'web', [snap('a', 1)], begun.loadId))).toEqual(['a', 'mine']);
  });

  it('keeps what is known when a reload fails; shows a first failure', () => {
    const failedFirst = snapshotsLoadFailed(beginSnapshotsLoad({}, 'web').byAgent, 'web', 'Incus is not responding');
    expect(failedFirst.web).toMatchObject({ state: 'failed', error: 'Incus is not responding' });
    // Retrying a failed agent loads it again.
    expect(beginSnapshotsLoad(failedFirst, 'web').byAgent.web?.state).toBe('loading');

    const ready = applySnapshotsChange({}, { agent: 'web', snapshots: [snap('a', 1)] });
    expect(snapshotsLoadFailed(ready, 'web', 'x')).toBe(ready);
  });

  it('folds call replies in: a new snapshot, a rename, a new comment, a deletion', () => {
    let state = applySnapshotsChange({}, { agent: 'web', snapshots: [snap('a', 1)] });
    state = upsertSnapshot(state, snap('b', 2));
    expect(names(state)).toEqual(['a', 'b']);
    // The pushed list may come first: the reply is then a no-op.
    expect(names(upsertSnapshot(state, snap('b', 2)))).toEqual(['a', 'b']);
    state = upsertSnapshot(state, snap('renamed', 1), 'a');
    expect(names(state)).toEqual(['renamed', 'b']);
    state = upsertSnapshot(state, snap('b', 2, 'works'));
    expect(state.web?.snapshots.find((s) => s.name === 'b')?.comment).toBe('works');
    state = removeSnapshot(state, 'web', 'b');
    expect(names(state)).toEqual(['renamed']);
    expect(removeSnapshot(state, 'web', 'b')).toBe(state);
  });

  it('ignores replies about agents it does not show, and forgets removed agents', () => {
    expect(upsertSnapshot({}, snap('a', 1))).toEqual({});
    const state = applySnapshotsChange({}, { agent: 'web', snapshots: [] });
    expect(forgetAgent(state, 'web')).toEqual({});
    expect(forgetAgent(state, 'other')).toBe(state);
  });
});
