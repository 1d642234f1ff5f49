import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { sampleFixture } from '../../../shared/test-fixtures.js';
import { MIN_GAP_MS, gapAfterMs, gappedColumns, timeWindow } from './telemetry-window.js';

const sample = (at: number, cpu = 1): TelemetrySample => sampleFixture('a', at, { cpuHostPercent: cpu });
const cpu = (s: TelemetrySample) => s.cpuHostPercent;
/** Samples every `everyMs` from `from` (inclusive) to `to` (exclusive). */
const run = (from: number, to: number, everyMs: number, value = 1) => {
  const out: TelemetrySample[] = [];
  for (let at = from; at < to; at += everyMs) out.push(sample(at, value));
  return out;
};

describe('timeWindow', () => {
  it('spans the last span seconds of wall-clock time, whatever the samples cover', () => {
    expect(timeWindow(1_000_000, 990_000, 300)).toEqual([700, 1000]);
    expect(timeWindow(1_000_000, undefined, 300)).toEqual([700, 1000]);
  });

  it('ends at the newest sample when it is ahead of this clock', () => {
    expect(timeWindow(1_000_000, 1_002_000, 60)).toEqual([942, 1002]);
  });

  it('puts a spike where it happened: 4 minutes ago is a fifth from the left of 5 minutes, also for a young agent', () => {
    const now = 2_000_000_000_000;
    // The agent started 4.5 minutes ago, spiked at 4 minutes ago, went quiet, then Incus was away for 3 minutes.
    const samples = [...run(now - 270_000, now - 240_000, 1000), sample(now - 240_000, 95), ...run(now - 239_000, now - 180_000, 1000)];
    samples.push(...run(now - 5_000, now, 1000));
    const [min, max] = timeWindow(now, samples[samples.length - 1]?.at, 300);
    const spikeAt = (now - 240_000) / 1000;
    expect((spikeAt - min) / (max - min)).toBeCloseTo(0.2, 5);
  });
});

describe('gapAfterMs', () => {
  it('is three times the usual cadence, never under the minimum', () => {
    expect(gapAfterMs(run(0, 60_000, 1000))).toBe(MIN_GAP_MS);
    expect(gapAfterMs(run(0, 120_000, 2000))).toBe(6000);
    expect(gapAfterMs(run(0, 400_000, 8000))).toBe(24_000);
  });

  it('is not stretched by the gap it is meant to find', () => {
    const samples = [...run(0, 60_000, 2000), ...run(240_000, 300_000, 2000)];
    expect(gapAfterMs(samples)).toBe(6000);
  });

  it('does not cut a metrics-endpoint cadence of 8 s when there are too few samples to tell', () => {
    expect(gapAfterMs([sample(0), sample(8_500)])).toBeGreaterThan(8_500);
  });
});

describe('gappedColumns', () => {
  it('makes chart columns in seconds, null where a value is unknown', () => {
    expect(gappedColumns([sample(1000, 3), sample(2000, 4)], [cpu, (s) => s.diskBytes])).toEqual([
      [1, 2],
      [3, 4],
      [null, null],
    ]);
  });

  it('breaks the line where samples stopped: a null row inside the gap, not a line across it', () => {
    const before = run(0, 10_000, 1000, 5);
    const after = run(190_000, 200_000, 1000, 7);
    const [xs, ys] = gappedColumns([...before, ...after], [cpu]);
    expect(xs).toHaveLength(21);
    expect(ys?.filter((v) => v === null)).toHaveLength(1);
    const hole = ys?.indexOf(null) ?? -1;
    expect(xs[hole]).toBe(99.5);
    expect(xs[hole - 1]).toBe(9);
    expect(xs[hole + 1]).toBe(190);
    // Ordered, so uPlot can draw it.
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('leaves a steady stream, and its jitter, unbroken', () => {
    const jittery = [0, 1000, 2100, 2900, 4000, 5300, 6000].map((at) => sample(at));
    expect(gappedColumns(jittery, [cpu])[1]).not.toContain(null);
  });
});
