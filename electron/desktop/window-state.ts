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

/**
 * Saved bounds made safe for today's displays: a window whose saved place is on no display
 * (a monitor unplugged since) is centred by the OS instead (no x/y); a size larger than the
 * display it lands on shrinks to it; never below the minimum size.
 */
export function restoredBounds(saved: WindowBounds | null, displays: DisplayArea[]): WindowBounds {
  throw new Error(`not implemented ${typeof saved} ${displays.length}`);
}

/** Reads and writes `file` (JSON, validated; a broken file means defaults). */
export class WindowStateStore {
  constructor(readonly file: string) {}

  load(): Promise<WindowBounds | null> {
    throw new Error('not implemented');
  }

  /** Saves the window's bounds as they change (debounced) and when it closes. */
  track(win: TrackedWindow): void {
    throw new Error(`not implemented ${typeof win}`);
  }

  /** Writes any pending change now (before quitting). */
  flush(): Promise<void> {
    throw new Error('not implemented');
  }
}
