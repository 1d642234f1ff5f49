import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** A window's size and place, as saved between runs. */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
  fullScreen: boolean;
}

export interface DisplayArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the tracker needs of a BrowserWindow. */
export interface TrackedWindow {
  getNormalBounds(): { x: number; y: number; width: number; height: number };
  isMaximized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'enter-full-screen' | 'leave-full-screen' | 'close', listener: () => void): unknown;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 860, maximized: false, fullScreen: false };

/** Below this the header and the grid no longer fit; also the window's `minWidth`/`minHeight`. */
export const MIN_SIZE = { width: 900, height: 600 } as const;

/** How long the bounds must stay still before they are written (a drag fires many moves). */
export const SAVE_DEBOUNCE_MS = 500;

/** The file is a handful of numbers; anything larger is not ours. */
const MAX_FILE_BYTES = 4096;

const coordinate = z.number().int().min(-1_000_000).max(1_000_000);
const length = z.number().int().min(1).max(100_000);
const boundsSchema = z.object({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: length,
  height: length,
  maximized: z.boolean(),
  fullScreen: z.boolean(),
});

/**
 * Saved bounds made safe for today's displays: a window whose saved place is on no display
 * (a monitor unplugged since) is centred by the OS instead (no x/y); a size larger than the
 * display it lands on shrinks to it; never below the minimum size.
 *
 * `displays` are the work areas (Electron's `display.workArea`), the primary first: a window
 * without a place opens there.
 */
export function restoredBounds(saved: WindowBounds | null, displays: DisplayArea[]): WindowBounds {
  const wanted = saved ?? DEFAULT_BOUNDS;
  const state = { maximized: wanted.maximized, fullScreen: wanted.fullScreen };
  const placed = wanted.x !== undefined && wanted.y !== undefined ? { x: wanted.x, y: wanted.y, width: wanted.width, height: wanted.height } : null;
  const home = placed ? mostOverlapped(placed, displays) : null;
  const area = home ?? displays[0];
  const width = fitLength(wanted.width, area?.width, MIN_SIZE.width);
  const height = fitLength(wanted.height, area?.height, MIN_SIZE.height);
  if (!placed || !home) return { width, height, ...state };
  return {
    x: Math.round(clamp(placed.x, home.x, home.x + home.width - width)),
    y: Math.round(clamp(placed.y, home.y, home.y + home.height - height)),
    width,
    height,
    ...state,
  };
}

/** At most the display's length, at least the minimum (which wins on a display smaller than it). */
function fitLength(wanted: number, available: number | undefined, min: number): number {
  const capped = available === undefined ? wanted : Math.min(wanted, available);
  return Math.round(Math.max(min, capped));
}

/** `lo` wins when the range is empty (a window wider than its display starts at its left edge). */
function clamp(value: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(value, hi));
}

/** The display the window overlaps most; null when it overlaps none. */
function mostOverlapped(rect: DisplayArea, displays: DisplayArea[]): DisplayArea | null {
  let best: DisplayArea | null = null;
  let bestArea = 0;
  for (const d of displays) {
    const w = Math.min(rect.x + rect.width, d.x + d.width) - Math.max(rect.x, d.x);
    const h = Math.min(rect.y + rect.height, d.y + d.height) - Math.max(rect.y, d.y);
    const area = w > 0 && h > 0 ? w * h : 0;
    if (area > bestArea) {
      best = d;
      bestArea = area;
    }
  }
  return best;
}

export interface WindowStateStoreOptions {
  debounceMs?: number;
  /** A write that failed (full disk, read-only folder): told, never thrown into Electron's loop. */
  onError?: (err: unknown) => void;
}

/** Reads and writes `file` (JSON, validated; a broken file means defaults). */
export class WindowStateStore {
  private pending: WindowBounds | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastWritten: string | null = null;
  /** Writes run one after another, so an older one never lands after a newer one. */
  private writing: Promise<void> = Promise.resolve();
  private writes = 0;
  private readonly debounceMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    readonly file: string,
    opts: WindowStateStoreOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? SAVE_DEBOUNCE_MS;
    this.onError = opts.onError ?? ((err) => console.warn(`Enclave: could not save the window's size and place: ${String(err)}`));
  }

  /** The saved bounds; null when there are none or the file is not what this store writes. */
  async load(): Promise<WindowBounds | null> {
    let text: string;
    try {
      const handle = await open(this.file, 'r');
      try {
        const buf = Buffer.alloc(MAX_FILE_BYTES + 1);
        const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
        if (bytesRead > MAX_FILE_BYTES) return null;
        text = buf.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    const parsed = boundsSchema.safeParse(json);
    if (!parsed.success) return null;
    this.lastWritten = JSON.stringify(parsed.data);
    return parsed.data;
  }

  /** Saves the window's bounds as they change (debounced) and when it closes. */
  track(win: TrackedWindow): void {
    const later = () => this.guarded(() => this.capture(win) && this.schedule());
    for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) win.on(event, later);
    win.on('close', () => {
      this.guarded(() => this.capture(win));
      // What an earlier event captured is written even when this last look failed.
      void this.flush();
    });
  }

  /** Writes any pending change now (before quitting); resolves once every write has landed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const bounds = this.pending;
    this.pending = null;
    if (bounds) this.enqueue(bounds);
    return this.writing;
  }

  /** The window's normal bounds (not the maximized or full-screen ones) and its state. */
  private capture(win: TrackedWindow): boolean {
    if (win.isDestroyed()) return false;
    const { x, y, width, height } = win.getNormalBounds();
    const bounds = { x, y, width, height, maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    const parsed = boundsSchema.safeParse({ ...bounds, x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) });
    if (!parsed.success) return false;
    this.pending = parsed.data;
    return true;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
    this.timer.unref?.();
  }

  private enqueue(bounds: WindowBounds): void {
    const text = JSON.stringify(bounds);
    if (text === this.lastWritten) return;
    this.lastWritten = text;
    this.writing = this.writing.then(() => this.write(text)).catch((err: unknown) => {
      this.lastWritten = null;
      this.onError(err);
    });
  }

  private async write(text: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${++this.writes}.tmp`;
    try {
      await writeFile(tmp, text + '\n', { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** A window that went away mid-call throws in Electron; that must not reach its event loop. */
  private guarded(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
