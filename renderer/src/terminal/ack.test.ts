import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACK_DELAY_MS, ACK_THRESHOLD_BYTES, AckBatcher, AckScheduler } from './ack.js';

describe('AckBatcher', () => {
  it('holds small amounts and releases them all once the threshold is reached', () => {
    const batch = new AckBatcher(100);
    expect(batch.feed(40)).toBe(0);
    expect(batch.feed(40)).toBe(0);
    expect(batch.pendingBytes).toBe(80);
    expect(batch.feed(30)).toBe(110);
    expect(batch.pendingBytes).toBe(0);
  });

  it('a single chunk at or over the threshold is acknowledged at once', () => {
    const batch = new AckBatcher(100);
    expect(batch.feed(100)).toBe(100);
    expect(batch.feed(5000)).toBe(5000);
  });

  it('flush hands over the remainder once', () => {
    const batch = new AckBatcher(100);
    batch.feed(7);
    expect(batch.flush()).toBe(7);
    expect(batch.flush()).toBe(0);
  });

  it('ignores zero, negative and non-numbers; reset forgets', () => {
    const batch = new AckBatcher(100);
    expect(batch.feed(0)).toBe(0);
    expect(batch.feed(-5)).toBe(0);
    expect(batch.feed(Number.NaN)).toBe(0);
    batch.feed(50);
    batch.reset();
    expect(batch.pendingBytes).toBe(0);
  });

  it('defaults keep several acks in flight within the backend 1 MiB window', () => {
    expect(ACK_THRESHOLD_BYTES).toBe(64 * 1024);
    expect((1024 * 1024) / ACK_THRESHOLD_BYTES).toBeGreaterThanOrEqual(8);
    // The backend resumes below 256 KiB: a batch must fit well under that.
    expect(ACK_THRESHOLD_BYTES).toBeLessThan(256 * 1024);
  });

  it('acknowledges exactly what was fed, in total', () => {
    const batch = new AckBatcher(ACK_THRESHOLD_BYTES);
    let acked = 0;
    let fed = 0;
    for (let i = 0; i < 1000; i++) {
      const n = (i * 7919) % 20000;
      fed += n;
      acked += batch.feed(n);
    }
    acked += batch.flush();
    expect(acked).toBe(fed);
  });
});

describe('AckScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at the threshold immediately and the remainder after the delay', () => {
    const sent: number[] = [];
    const acks = new AckScheduler((n) => sent.push(n), 20, 100);
    acks.consumed(60);
    expect(sent).toEqual([]);
    acks.consumed(60);
    expect(sent).toEqual([120]);
    acks.consumed(10);
    expect(sent).toEqual([120]);
    vi.advanceTimersByTime(19);
    expect(sent).toEqual([120]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([120, 10]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([120, 10]);
  });

  it('one timer for a trickle, not one per chunk', () => {
    const sent: number[] = [];
    const acks = new AckScheduler((n) => sent.push(n));
    for (let i = 0; i < 10; i++) acks.consumed(3);
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toEqual([30]);
  });

  it('reset drops what is pending and its timer', () => {
    const sent: number[] = [];
    const acks = new AckScheduler((n) => sent.push(n), 20, 100);
    acks.consumed(50);
    acks.reset();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
    acks.consumed(100);
    expect(sent).toEqual([100]);
  });
});
