import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { bringForward, type ForwardWindow } from './bring-forward.js';
import { claimSingleInstance } from './single-instance.js';

class FakeApp extends EventEmitter {
  quits = 0;
  constructor(private readonly locked: boolean) {
    super();
  }
  requestSingleInstanceLock() {
    return this.locked;
  }
  quit() {
    this.quits++;
  }
}

describe('claimSingleInstance', () => {
  it('holds the lock in the first instance and focuses its window on each later start', () => {
    const app = new FakeApp(true);
    let focused = 0;
    expect(claimSingleInstance(app, () => focused++)).toBe(true);
    app.emit('second-instance');
    app.emit('second-instance');
    expect(focused).toBe(2);
    expect(app.quits).toBe(0);
  });

  it('quits a second instance at once, without listening for others', () => {
    const app = new FakeApp(false);
    let focused = 0;
    expect(claimSingleInstance(app, () => focused++)).toBe(false);
    expect(app.quits).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('never throws into the event loop when focusing fails', () => {
    const app = new FakeApp(true);
    claimSingleInstance(app, () => {
      throw new Error('Object has been destroyed');
    });
    expect(() => app.emit('second-instance')).not.toThrow();
  });
});

function fakeWindow(state: { minimized?: boolean; destroyed?: boolean } = {}) {
  const calls: string[] = [];
  const win: ForwardWindow = {
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    restore: () => calls.push('restore'),
    show: () => calls.push('show'),
    focus: () => calls.push('focus'),
  };
  return { win, calls };
}

describe('bringForward', () => {
  it('restores a minimized window, then shows and focuses it', () => {
    const { win, calls } = fakeWindow({ minimized: true });
    expect(bringForward(win)).toBe(true);
    expect(calls).toEqual(['restore', 'show', 'focus']);
  });

  it('shows and focuses a window that is not minimized', () => {
    const { win, calls } = fakeWindow();
    expect(bringForward(win)).toBe(true);
    expect(calls).toEqual(['show', 'focus']);
  });

  it('does nothing without a window, or with a destroyed one', () => {
    expect(bringForward(undefined)).toBe(false);
    const { win, calls } = fakeWindow({ destroyed: true });
    expect(bringForward(win)).toBe(false);
    expect(calls).toEqual([]);
  });
});
