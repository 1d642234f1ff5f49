import { describe, expect, it } from 'vitest';
import { DisposableStore, Listeners, toDisposable } from './disposable.js';

describe('disposables', () => {
  it('toDisposable runs once', () => {
    let n = 0;
    const d = toDisposable(() => n++);
    d.dispose();
    d.dispose();
    expect(n).toBe(1);
  });

  it('a store disposes everything newest first, and at once what is added after', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push(1)));
    store.add(toDisposable(() => order.push(2)));
    store.dispose();
    store.add(toDisposable(() => order.push(3)));
    expect(order).toEqual([2, 1, 3]);
  });

  it('a listener removed before the signal is not called and not kept', () => {
    const listeners = new Listeners();
    const calls: string[] = [];
    const a = listeners.add(() => calls.push('a'));
    listeners.add(() => calls.push('b'));
    expect(listeners.size).toBe(2);
    a.dispose();
    expect(listeners.size).toBe(1);
    listeners.fire();
    expect(calls).toEqual(['b']);
    expect(listeners.size).toBe(0);
  });

  it('the same function added twice is two registrations', () => {
    const listeners = new Listeners();
    let n = 0;
    const f = () => n++;
    const first = listeners.add(f);
    listeners.add(f);
    first.dispose();
    listeners.fire();
    expect(n).toBe(1);
  });
});
