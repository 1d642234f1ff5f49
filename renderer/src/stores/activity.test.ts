import { describe, expect, it } from 'vitest';
import type { ActivityEntry, ActivityKind } from '../../../shared/types.js';
import { filterActivity, mergeActivity, useActivity } from './activity.js';

const entry = (id: string, at: number, kind: ActivityKind = 'lifecycle', agent = 'web'): ActivityEntry => ({
  id,
  agent,
  at,
  kind,
  message: `m${id}`,
  actor: { kind: 'user' },
});

describe('activity', () => {
  it('orders oldest first and drops duplicate ids', () => {
    const merged = mergeActivity([entry('b', 2), entry('a', 1)], [entry('c', 3), entry('b', 2)]);
    expect(merged.map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps only the newest entries', () => {
    const many = Array.from({ length: 10 }, (_, i) => entry(`e${i}`, i));
    expect(mergeActivity([], many, 4).map((e) => e.id)).toEqual(['e6', 'e7', 'e8', 'e9']);
  });

  it('filters by kind, newest first; an empty filter shows everything', () => {
    const list = [entry('a', 1, 'guard'), entry('b', 2, 'snapshot'), entry('c', 3, 'guard')];
    expect(filterActivity(list, new Set(['guard'])).map((e) => e.id)).toEqual(['c', 'a']);
    expect(filterActivity(list, new Set()).map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(list.map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps pushed entries only for logs that were loaded', () => {
    useActivity.setState({ byAgent: {} });
    useActivity.getState().add(entry('x', 1));
    expect(useActivity.getState().byAgent.web).toBeUndefined();
    useActivity.getState().loaded('web', [entry('a', 1)]);
    useActivity.getState().add(entry('b', 2));
    useActivity.getState().add(entry('z', 3, 'guard', 'db'));
    expect(useActivity.getState().byAgent.web?.map((e) => e.id)).toEqual(['a', 'b']);
    expect(useActivity.getState().byAgent.db).toBeUndefined();
  });
});
