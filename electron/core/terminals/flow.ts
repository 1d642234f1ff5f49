/**
 * Output flow control for one terminal with several readers. Each reader acknowledges what it
 * has rendered; when any reader is more than `high` bytes behind, the source is paused, and it
 * resumes once every reader is below `low`. A reader that never acks therefore holds back the
 * program (as a slow terminal would), never the backend's memory. Its owner detaches a reader
 * that stays behind (see `behindReaders`), so one stalled window cannot hold the others.
 */
export class FlowGate {
  private readonly behind = new Map<string, number>();
  private paused = false;
  /** When the current pause began (Date.now()), 0 while not paused. */
  pausedAt = 0;

  constructor(
    readonly high: number,
    readonly low: number,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** Registers a reader (or resets one that re-attached). */
  add(reader: string): void {
    this.behind.set(reader, 0);
  }

  /** Returns 'resume' when removing this reader lets the source go again. */
  remove(reader: string): 'resume' | null {
    this.behind.delete(reader);
    return this.check();
  }

  /** Bytes sent to every reader; returns 'pause' when the source must stop. */
  sent(reader: string, bytes: number): 'pause' | null {
    const now = (this.behind.get(reader) ?? 0) + bytes;
    this.behind.set(reader, now);
    if (!this.paused && now > this.high) {
      this.paused = true;
      this.pausedAt = Date.now();
      return 'pause';
    }
    return null;
  }

  /** A reader consumed `bytes`; returns 'resume' when the source may go again. */
  acked(reader: string, bytes: number): 'resume' | null {
    const was = this.behind.get(reader);
    if (was === undefined) return null;
    this.behind.set(reader, Math.max(0, was - bytes));
    return this.check();
  }

  /** Readers more than `high` bytes behind: the ones holding the source paused. */
  behindReaders(): string[] {
    return [...this.behind].filter(([, b]) => b > this.high).map(([r]) => r);
  }

  private check(): 'resume' | null {
    if (!this.paused) return null;
    for (const b of this.behind.values()) if (b > this.low) return null;
    this.paused = false;
    this.pausedAt = 0;
    return 'resume';
  }
}
