import type { TelemetrySample } from '../../../shared/types.js';

/** One hour at one sample a second: the longest history the contract asks for. */
export const RING_CAPACITY = 3600;

/**
 * A fixed-size ring of one agent's samples, oldest overwritten first. Memory is bounded by
 * the capacity (about 200 bytes a sample: under 1 MB an agent at 3600).
 */
export class SampleRing {
  private readonly items: (TelemetrySample | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number = RING_CAPACITY) {
    this.items = new Array<TelemetrySample | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(sample: TelemetrySample): void {
    this.items[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  latest(): TelemetrySample | undefined {
    return this.count ? this.items[(this.next - 1 + this.capacity) % this.capacity] : undefined;
  }

  /** The samples taken at or after `since` (ms since the epoch), oldest first. */
  since(since: number): TelemetrySample[] {
    const out: TelemetrySample[] = [];
    // Newest backwards until older than the window, then reverse: cheap for short windows.
    for (let i = 1; i <= this.count; i++) {
      const s = this.items[(this.next - i + this.capacity) % this.capacity];
      if (!s || s.at < since) break;
      out.push(s);
    }
    return out.reverse();
  }
}
