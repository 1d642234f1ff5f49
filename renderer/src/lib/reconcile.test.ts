import { describe, expect, it } from 'vitest';
import { NO_LOADS, abandonLoad, beginLoad, finishLoad, isLoading, noteChange, type Loads } from './reconcile.js';

const add = (xs: number[], x: number) => [...xs, x];

describe('reconcile', () => {
  it('applies what was pushed during a load over its reply', () => {
    const begun = beginLoad<number>(NO_LOADS);
    const loads = noteChange(noteChange(begun.loads, 7), 8);
    expect(finishLoad(loads, begun.id, [1], add)).toEqual({ loads: { last: 1, open: null }, value: [1, 7, 8] });
  });

  it('keeps no changes while nothing loads', () => {
    expect(noteChange<number>(NO_LOADS, 1)).toBe(NO_LOADS);
    expect(isLoading(NO_LOADS)).toBe(false);
  });

  it('drops the reply of a load a newer one superseded', () => {
    const first = beginLoad<number>(NO_LOADS);
    const second = beginLoad(first.loads);
    expect(finishLoad(second.loads, first.id, [1], add)).toBeNull();
    expect(finishLoad(second.loads, second.id, [2], add)?.value).toEqual([2]);
  });

  it('a failed load stops keeping changes; an older one failing leaves the newer alone', () => {
    const first = beginLoad<number>(NO_LOADS);
    const second = beginLoad(first.loads);
    const loads: Loads<number> = abandonLoad(second.loads, first.id);
    expect(isLoading(loads)).toBe(true);
    expect(isLoading(abandonLoad(loads, second.id))).toBe(false);
  });
});
