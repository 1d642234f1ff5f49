import { describe, expect, it } from 'vitest';
import { type Toast, addToast } from './toasts.js';

const toast = (id: number, key: string | null = null): Toast => ({
  id,
  key,
  tone: 'info',
  message: `t${id}`,
  testId: 'toast',
  action: null,
  timeout: 5000,
});

describe('toasts', () => {
  it('replaces a toast with the same key (one restore toast per agent)', () => {
    const list = addToast(addToast([toast(1, 'restore:web'), toast(2)], toast(3, 'restore:web')), toast(4, 'restore:db'));
    expect(list.map((t) => t.id)).toEqual([2, 3, 4]);
  });

  it('keeps the newest few', () => {
    let list: Toast[] = [];
    for (let i = 1; i <= 7; i++) list = addToast(list, toast(i), 5);
    expect(list.map((t) => t.id)).toEqual([3, 4, 5, 6, 7]);
  });
});
