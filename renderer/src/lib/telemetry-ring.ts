/**
 * The recent samples of one agent, oldest first, bounded in count and in age: a circular
 * buffer that pushed samples append to in O(1), so a batch for 100 agents costs 100 writes.
 */
import type { TelemetrySample } from '../../../shared/types.js';

/** How far back the renderer keeps samples (the backend keeps as much). */
export const KEEP_MS = 60 * 60 * 1000;
/** An hour at one sample a second, plus slack for jitter. */
export const RING_CAPACITY = 3700;

export class SampleRing {
  private buffer: (TelemetrySample | undefined)[] = [];
  /** Index of the oldest sample. */
  private start = 0;
  private count = 0;

  constructor(readonly capacity = RING_CAPACITY, readonly keepMs = KEEP_MS) {}

  get size(): number {
    return this.count;
  }

  /** The sample `i` places from the oldest. */
  at(i: number): TelemetrySample | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.buffer[(this.start + i) % this.capacity];
  }

  get latest(): TelemetrySample | undefined {
    return this.at(this.count - 1);
  }

  /**
   * Appends a sample. One not newer than the latest is either a duplicate (dropped) or late
   * (merged in order, which is rare and costs a rebuild). Returns whether anything changed.
   */
  push(sample: TelemetrySample): boolean {
    const latest = this.latest;
    if (latest && sample.at <= latest.at) {
      if (sample.at === latest.at) return false;
      return this.merge([sample]);
    }
    if (this.count < this.capacity) {
      this.buffer[(this.start + this.count) % this.capacity] = sample;
      this.count++;
    } else {
      this.buffer[this.start] = sample;
      this.start = (this.start + 1) % this.capacity;
    }
    this.dropOlderThan(sample.at - this.keepMs);
    return true;
  }

  /** Folds in samples in any order (e.g. telemetry.history), keeping one per moment. */
  merge(samples: readonly TelemetrySample[]): boolean {
    if (samples.length === 0) return false;
    const byTime = new Map<number, TelemetrySample>();
    for (const sample of this.toArray()) byTime.set(sample.at, sample);
    const before = byTime.size;
    for (const sample of samples) if (!byTime.has(sample.at)) byTime.set(sample.at, sample);
    if (byTime.size === before) return false;
    const sorted = [...byTime.values()].sort((a, b) => a.at - b.at);
    const newest = sorted[sorted.length - 1]?.at ?? 0;
    const kept = sorted.filter((s) => s.at >= newest - this.keepMs).slice(-this.capacity);
    this.buffer = kept;
    this.start = 0;
    this.count = kept.length;
    return true;
  }

  private dropOlderThan(cutoff: number): void {
    while (this.count > 0 && (this.at(0)?.at ?? cutoff) < cutoff) {
      this.buffer[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
  }

  /** Index of the first sample at or after `from` (binary search; samples are in order). */
  private firstFrom(from: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.at(mid)?.at ?? 0) < from) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The samples at or after `from` (ms since the epoch), oldest first. */
  since(from: number): TelemetrySample[] {
    const out: TelemetrySample[] = [];
    for (let i = this.firstFrom(from); i < this.count; i++) {
      const sample = this.at(i);
      if (sample) out.push(sample);
    }
    return out;
  }

  toArray(): TelemetrySample[] {
    return this.since(-Infinity);
  }
}
