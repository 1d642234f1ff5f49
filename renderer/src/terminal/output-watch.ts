/**
 * The "new output" dot of a hidden tab: lit only when output changed what the screen shows,
 * beyond its last row. tmux redraws its status line (the clock, a window name) on its own
 * every few seconds; vim, less and others keep a status line there too. A redraw of that
 * row alone is not news; a changed line above it, a scroll or a switch of screens is.
 */

/** What the digest reads of a terminal's buffer (xterm's IBuffer fits). */
export interface ScreenBuffer {
  readonly type: 'normal' | 'alternate';
  /** The buffer line at the top of the screen (it grows as lines scroll into the scrollback). */
  readonly baseY: number;
  getLine(y: number): { translateToString(trimRight?: boolean): string } | undefined;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, FNV_PRIME) >>> 0;
}

/**
 * A 32-bit FNV-1a digest of the screen (`rows` rows from baseY) without its last row, with the
 * screen it is (normal or alternate) and how far it has scrolled. Costs one pass over
 * rows × cols cells; colours and the cursor do not count.
 */
export function screenDigest(buffer: ScreenBuffer, rows: number): number {
  let hash = mix(mix(FNV_OFFSET, buffer.type === 'alternate' ? 1 : 0), buffer.baseY);
  for (let y = 0; y < rows - 1; y++) {
    const text = buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '';
    for (let i = 0; i < text.length; i++) hash = mix(hash, text.charCodeAt(i));
    // A row separator, so text moving between rows changes the digest.
    hash = mix(hash, 0x0a);
  }
  return hash;
}

/** How long output may wait before a hidden terminal's screen is compared again. */
export const CHECK_DELAY_MS = 200;

interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Watches one terminal while it is hidden: remembers the screen's digest when it is hidden,
 * and after output compares at most once per CHECK_DELAY_MS, however much arrives, and not
 * at all once it has reported (until the terminal is shown and hidden again).
 */
export class OutputWatch {
  /** The digest when hidden; null while on screen. */
  private baseline: number | null = null;
  private reported = false;
  private timer: unknown = null;

  constructor(
    private readonly digest: () => number,
    private readonly report: () => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The terminal left the screen (or was made off screen): what it shows now is not news. */
  hidden(): void {
    this.cancel();
    this.baseline = this.digest();
    this.reported = false;
  }

  shown(): void {
    this.cancel();
    this.baseline = null;
    this.reported = false;
  }

  /** xterm parsed output. */
  parsed(): void {
    if (this.baseline === null || this.reported || this.timer !== null) return;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.check();
    }, CHECK_DELAY_MS);
  }

  dispose(): void {
    this.cancel();
    this.baseline = null;
  }

  private check(): void {
    if (this.baseline === null || this.reported) return;
    if (this.digest() === this.baseline) return;
    this.reported = true;
    this.report();
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}
