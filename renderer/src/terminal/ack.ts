/**
 * Flow control for terminal output. The backend stops reading from Incus while a connection
 * has more than FLOW_HIGH (1 MiB) of one terminal's output un-acknowledged, and resumes below
 * FLOW_LOW (256 KiB). The renderer acknowledges bytes only once xterm has parsed them (in the
 * write callback), so the backend sends no faster than xterm keeps up: a flood (`yes`, `cat`
 * of a huge file) stays smooth and Ctrl-C still gets through.
 *
 * Acks are batched: one call per ACK_THRESHOLD_BYTES consumed (16 per MiB, so the 1 MiB window
 * never runs dry while an ack is in flight), and a short timer sends the remainder of a quiet
 * trickle so the backend's count always settles back to zero.
 */
export const ACK_THRESHOLD_BYTES = 64 * 1024;
export const ACK_DELAY_MS = 25;

/** Pure bookkeeping: feed it consumed bytes, it says when (and how much) to acknowledge. */
export class AckBatcher {
  private pending = 0;

  constructor(readonly threshold: number = ACK_THRESHOLD_BYTES) {}

  get pendingBytes(): number {
    return this.pending;
  }

  /**
   * Records bytes xterm has consumed. Returns how many to acknowledge right now (the threshold
   * was reached), or 0: then the remainder waits for `flush` (the caller's short timer).
   */
  feed(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes <= 0) return 0;
    this.pending += Math.floor(bytes);
    return this.pending >= this.threshold ? this.flush() : 0;
  }

  /** Everything not yet acknowledged (0 when nothing is). */
  flush(): number {
    const bytes = this.pending;
    this.pending = 0;
    return bytes;
  }

  /** Forgets pending bytes: after a re-attach the backend counts from zero again. */
  reset(): void {
    this.pending = 0;
  }
}

export interface AckTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: AckTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** AckBatcher plus its timer: `consumed` from the write callback, `send` makes the call. */
export class AckScheduler {
  private readonly batch: AckBatcher;
  private timer: unknown = null;

  constructor(
    private readonly send: (bytes: number) => void,
    private readonly delayMs: number = ACK_DELAY_MS,
    threshold: number = ACK_THRESHOLD_BYTES,
    private readonly timers: AckTimers = realTimers,
  ) {
    this.batch = new AckBatcher(threshold);
  }

  consumed(bytes: number): void {
    const now = this.batch.feed(bytes);
    if (now > 0) {
      this.cancelTimer();
      this.send(now);
    } else if (this.batch.pendingBytes > 0 && this.timer === null) {
      this.timer = this.timers.set(() => {
        this.timer = null;
        const rest = this.batch.flush();
        if (rest > 0) this.send(rest);
      }, this.delayMs);
    }
  }

  /** Drops what is pending without sending it (re-attach, or the session went away). */
  reset(): void {
    this.cancelTimer();
    this.batch.reset();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}
