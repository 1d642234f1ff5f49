import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BOUNDS, MIN_SIZE, WindowStateStore, restoredBounds, type DisplayArea, type TrackedWindow, type WindowBounds } from './window-state.js';

const primary: DisplayArea = { x: 0, y: 0, width: 1920, height: 1050 };
const right: DisplayArea = { x: 1920, y: 0, width: 2560, height: 1400 };
const saved = (b: Partial<WindowBounds>): WindowBounds => ({ ...DEFAULT_BOUNDS, ...b });

describe('restoredBounds', () => {
  it('opens a first window at the default size, placed by the OS', () => {
    expect(restoredBounds(null, [primary])).toEqual(DEFAULT_BOUNDS);
  });

  it('keeps a window where it was on a display that is still there', () => {
    const b = saved({ x: 2100, y: 100, width: 1400, height: 900 });
    expect(restoredBounds(b, [primary, right])).toEqual(b);
  });

  it('drops the place of a window whose display was unplugged, and fits it to the primary', () => {
    const b = saved({ x: 2100, y: 100, width: 2400, height: 1300 });
    expect(restoredBounds(b, [primary])).toEqual({ width: 1920, height: 1050, maximized: false, fullScreen: false });
  });

  it('shrinks a window larger than its display and moves it inside the work area', () => {
    expect(restoredBounds(saved({ x: 100, y: 50, width: 2400, height: 1300 }), [primary])).toEqual(saved({ x: 0, y: 0, width: 1920, height: 1050 }));
  });

  it('pulls a window hanging off the edge back onto its display', () => {
    expect(restoredBounds(saved({ x: 1500, y: 900, width: 1000, height: 700 }), [primary])).toEqual(saved({ x: 920, y: 350, width: 1000, height: 700 }));
    expect(restoredBounds(saved({ x: -300, y: -40, width: 1000, height: 700 }), [primary])).toEqual(saved({ x: 0, y: 0, width: 1000, height: 700 }));
  });

  it('chooses the display the window overlaps most', () => {
    const b = restoredBounds(saved({ x: 1700, y: 100, width: 1200, height: 800 }), [primary, right]);
    expect(b).toEqual(saved({ x: 1920, y: 100, width: 1200, height: 800 }));
  });

  it('never goes below the minimum size, even on a smaller display', () => {
    expect(restoredBounds(saved({ x: 10, y: 10, width: 300, height: 200 }), [primary])).toMatchObject({ x: 10, y: 10, ...MIN_SIZE });
    const small: DisplayArea = { x: 0, y: 0, width: 800, height: 560 };
    expect(restoredBounds(saved({ x: 10, y: 10, width: 1280, height: 860 }), [small])).toMatchObject({ x: 0, y: 0, ...MIN_SIZE });
  });

  it('keeps maximized and full screen', () => {
    expect(restoredBounds(saved({ x: 10, y: 10, maximized: true }), [primary])).toMatchObject({ maximized: true, fullScreen: false });
    expect(restoredBounds(saved({ fullScreen: true }), [primary])).toMatchObject({ maximized: false, fullScreen: true });
  });

  it('has no place to give without displays', () => {
    expect(restoredBounds(saved({ x: 10, y: 10, width: 500, height: 400 }), [])).toEqual(saved({ ...MIN_SIZE }));
  });
});

class FakeWindow extends EventEmitter implements TrackedWindow {
  normal = { x: 100, y: 80, width: 1200, height: 800 };
  maximized = false;
  fullScreen = false;
  destroyed = false;
  getNormalBounds() {
    return { ...this.normal };
  }
  isMaximized() {
    return this.maximized;
  }
  isFullScreen() {
    return this.fullScreen;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-window-state-'));
  file = join(dir, 'config', 'window-state.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const readSaved = async () => JSON.parse(await readFile(file, 'utf8')) as unknown;

describe('WindowStateStore.load', () => {
  it('is null when nothing was saved', async () => {
    expect(await new WindowStateStore(file).load()).toBeNull();
  });

  it.each([
    ['not JSON', '{"width": 12'],
    ['the wrong shape', '{"width": "wide", "height": 800, "maximized": false, "fullScreen": false}'],
    ['a fraction', '{"width": 1200.5, "height": 800, "maximized": false, "fullScreen": false}'],
    ['no size', '{"x": 1, "y": 2, "maximized": false, "fullScreen": false}'],
    ['too large', JSON.stringify({ width: 1200, height: 800, maximized: false, fullScreen: false, pad: 'x'.repeat(5000) })],
  ])('is null for a file that is %s', async (_what, text) => {
    await writeFile(join(dir, 'broken.json'), text);
    expect(await new WindowStateStore(join(dir, 'broken.json')).load()).toBeNull();
  });

  it('reads back what tracking wrote', async () => {
    const store = new WindowStateStore(file);
    const win = new FakeWindow();
    store.track(win);
    win.emit('move');
    await store.flush();
    expect(await new WindowStateStore(file).load()).toEqual({ ...win.normal, maximized: false, fullScreen: false });
  });
});

describe('WindowStateStore.track', () => {
  it('writes once the window has stopped moving, the last bounds only', async () => {
    vi.useFakeTimers();
    const store = new WindowStateStore(file, { debounceMs: 500 });
    const win = new FakeWindow();
    store.track(win);
    for (let i = 0; i < 20; i++) {
      win.normal = { ...win.normal, x: 100 + i };
      win.emit('move');
      vi.advanceTimersByTime(100);
    }
    win.normal = { ...win.normal, width: 1300 };
    win.emit('resize');
    vi.advanceTimersByTime(499);
    expect(existsSync(file)).toBe(false);
    vi.advanceTimersByTime(1);
    // Nothing is pending any more: flush() only waits for the timer's write to land.
    await store.flush();
    expect(await readSaved()).toEqual({ x: 119, y: 80, width: 1300, height: 800, maximized: false, fullScreen: false });
  });

  it('saves the normal bounds of a maximized or full-screen window, with its state', async () => {
    const store = new WindowStateStore(file);
    const win = new FakeWindow();
    store.track(win);
    win.maximized = true;
    win.emit('maximize');
    await store.flush();
    expect(await readSaved()).toEqual({ ...win.normal, maximized: true, fullScreen: false });
    win.maximized = false;
    win.fullScreen = true;
    win.emit('enter-full-screen');
    await store.flush();
    expect(await readSaved()).toEqual({ ...win.normal, maximized: false, fullScreen: true });
  });

  it('writes at once when the window closes, without waiting for the debounce', async () => {
    const store = new WindowStateStore(file, { debounceMs: 3_600_000 });
    const win = new FakeWindow();
    store.track(win);
    win.normal = { x: 5, y: 6, width: 1000, height: 700 };
    win.emit('resize');
    win.emit('close');
    await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 5000 });
    expect(await readSaved()).toEqual({ x: 5, y: 6, width: 1000, height: 700, maximized: false, fullScreen: false });
  });

  it('writes atomically, leaving no temporary file, and skips bounds already on disk', async () => {
    const store = new WindowStateStore(file);
    const win = new FakeWindow();
    store.track(win);
    win.emit('move');
    await store.flush();
    expect(await readdir(join(dir, 'config'))).toEqual(['window-state.json']);
    await rm(file);
    win.emit('move');
    await store.flush();
    expect(existsSync(file)).toBe(false);
  });

  it('never throws into the event loop: a destroyed window, a throwing one, a failed write', async () => {
    const errors: unknown[] = [];
    // The config "folder" is a file: every write fails.
    await writeFile(join(dir, 'config'), 'not a folder');
    const store = new WindowStateStore(file, { onError: (err) => errors.push(err) });
    const win = new FakeWindow();
    store.track(win);
    win.emit('resize');
    await store.flush();
    expect(errors).toHaveLength(1);

    win.getNormalBounds = () => {
      throw new Error('Object has been destroyed');
    };
    expect(() => win.emit('move')).not.toThrow();
    expect(() => win.emit('close')).not.toThrow();
    expect(errors).toHaveLength(3);

    win.destroyed = true;
    expect(() => win.emit('resize')).not.toThrow();
    await store.flush();
    expect(errors).toHaveLength(3);
  });
});
