import { describe, expect, it } from 'vitest';
import type { OperationProgress } from '../../../shared/types.js';
import { applyOperation, failedOperationsOnly, operationsOf, runningOperation, withoutFailures, withoutOperation } from './operations.js';

const op = (over: Partial<OperationProgress>): OperationProgress => ({
  id: '00000000-0000-0000-0000-000000000001',
  agent: 'web',
  action: 'snapshot',
  state: 'running',
  detail: 'Snapshotting web',
  mayCancel: false,
  ...over,
});

describe('operations store', () => {
  it('follows an operation from running to done', () => {
    let state = applyOperation({}, op({}));
    expect(runningOperation(state, 'web')?.detail).toBe('Snapshotting web');
    state = applyOperation(state, op({ detail: 'rootfs: 45%', mayCancel: true }));
    expect(runningOperation(state, 'web')).toMatchObject({ detail: 'rootfs: 45%', mayCancel: true });
    state = applyOperation(state, op({ state: 'done' }));
    expect(runningOperation(state, 'web')).toBeUndefined();
    expect(operationsOf(state, 'web')).toHaveLength(1);
    expect(withoutOperation(state, op({}).id)).toEqual({});
  });

  it('keeps failures over a reconnect, not running ones', () => {
    let state = applyOperation({}, op({}));
    state = applyOperation(state, op({ id: 'b', agent: 'db', state: 'failed', error: 'disk full' }));
    expect(Object.keys(failedOperationsOnly(state))).toEqual(['b']);
  });

  it("drops failures this window's call already shows", () => {
    let state = applyOperation({}, op({ state: 'failed', error: 'x' }));
    state = applyOperation(state, op({ id: 'r', action: 'restore', state: 'failed', error: 'y' }));
    state = applyOperation(state, op({ id: 'o', agent: 'other', state: 'failed', error: 'z' }));
    expect(Object.keys(withoutFailures(state, 'web', 'snapshot')).sort()).toEqual(['o', 'r']);
    expect(withoutFailures(state, 'nobody', null)).toBe(state);
  });
});
