import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { sampleFixture } from '../../../shared/test-fixtures.js';
import { SampleRing } from './telemetry-ring.js';

function sample(at: number, cpu = 1, agent = 'a'): TelemetrySample {
  return sampleFixture(agent, at, { cpuHostPercent: cpu });
}
const times = (ring: SampleRing) => ring.toArray().map((s) => s.at);

describe('SampleRing', () => {
  it('keeps samples in order and bounded in count', () => {
    const ring = new SampleRing(3, 1e9);
    for (const at of [1, 2, 3, 4, 5]) ring.push(sample(at));
    expect(times(ring)).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
    expect(ring.latest?.at).toBe(5);
  });

  it('drops samples older than the kept age', () => {
    const ring = new SampleRing(100, 10);
    for (const at of [0, 5, 10, 15, 21]) ring.push(sample(at));
    expect(times(ring)).toEqual([15, 21]);
  });

  it('ignores duplicates and merges late samples in order', () => {
    const ring = new SampleRing(10, 1e9);
    ring.push(sample(1));
    ring.push(sample(3));
    expect(ring.push(sample(3))).toBe(false);
    expect(ring.push(sample(2))).toBe(true);
    expect(times(ring)).toEqual([1, 2, 3]);
    ring.push(sample(4));
    expect(times(ring)).toEqual([1, 2, 3, 4]);
  });

  it('merges history with pushed samples, keeping pushed ones and the newest within capacity', () => {
    const ring = new SampleRing(4, 1e9);
    ring.push(sample(5, 50));
    ring.push(sample(6, 60));
    expect(ring.merge([sample(6, 0), sample(2), sample(4), sample(3), sample(1)])).toBe(true);
    expect(times(ring)).toEqual([3, 4, 5, 6]);
    expect(ring.latest?.cpuHostPercent).toBe(60);
    expect(ring.merge([sample(5)])).toBe(false);
    ring.push(sample(7));
    expect(times(ring)).toEqual([4, 5, 6, 7]);
  });

  it('slices a range after wrapping around', () => {
    const ring = new SampleRing(5, 1e9);
    for (let at = 1; at <= 12; at++) ring.push(sample(at));
    expect(times(ring)).toEqual([8, 9, 10, 11, 12]);
    expect(ring.since(10).map((s) => s.at)).toEqual([10, 11, 12]);
    expect(ring.since(9.5).map((s) => s.at)).toEqual([10, 11, 12]);
    expect(ring.since(100)).toEqual([]);
    expect(ring.since(0).length).toBe(5);
  });
});
