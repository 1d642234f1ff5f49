import { describe, expect, it } from 'vitest';
import { byteStep, byteTicks, formatByteTick, intervalsFor } from './byte-ticks.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const isPowerOfTwo = (n: number) => Number.isInteger(Math.log2(n));

describe('byteStep', () => {
  it('takes the smallest power of two that covers the top in the intervals there is room for', () => {
    expect(byteStep(2 * GiB, 4)).toBe(512 * MiB);
    expect(byteStep(2 * GiB, 2)).toBe(GiB);
    expect(byteStep(2.2 * GiB, 4)).toBe(GiB);
    expect(byteStep(20 * GiB, 4)).toBe(8 * GiB);
    expect(byteStep(300 * MiB, 4)).toBe(128 * MiB);
    expect(byteStep(1024, 4)).toBe(256);
  });

  it('is at least one byte, also for an empty or broken range', () => {
    expect(byteStep(0, 4)).toBe(1);
    expect(byteStep(Number.NaN, 4)).toBe(1);
    expect(byteStep(3, 4)).toBe(1);
    expect(byteStep(5 * GiB, 0)).toBe(8 * GiB);
  });
});

describe('byteTicks', () => {
  it('puts a 2 GiB limit on a tick: 0, 512 MiB, 1 GiB, 1.5 GiB, 2 GiB', () => {
    const { ticks, top } = byteTicks(2 * GiB, 4);
    expect(top).toBe(2 * GiB);
    expect(ticks.map(formatByteTick)).toEqual(['0 B', '512 MiB', '1 GiB', '1.5 GiB', '2 GiB']);
  });

  it('never lands on the decimal steps of the old axis (954 MiB, 1.86 GiB)', () => {
    for (const max of [1.1 * GiB, 2.05 * GiB, 20 * GiB, 18.6 * GiB, 700 * MiB, 10.5 * MiB, 123_456, 3 * 1024 ** 4]) {
      for (const intervals of [1, 2, 3, 4, 5, 6, 7]) {
        const { step, top, ticks } = byteTicks(max, intervals);
        expect(isPowerOfTwo(step)).toBe(true);
        expect(top).toBeGreaterThanOrEqual(max);
        expect(ticks.length - 1).toBeLessThanOrEqual(intervals);
        // Every label is the tick's exact value, read back from its text.
        for (const tick of ticks) expect(parseTick(formatByteTick(tick))).toBe(tick);
      }
    }
  });

  it('chooses the same ticks again from its own top (uPlot asks for the range, then the splits)', () => {
    for (const max of [2.2 * GiB, 300 * MiB, 7 * GiB, 1000]) {
      const first = byteTicks(max, 4);
      expect(byteTicks(first.top, 4)).toEqual(first);
    }
  });
});

describe('formatByteTick', () => {
  it('writes a tick in the largest unit it is exact in, with at most two decimals', () => {
    expect(formatByteTick(0)).toBe('0 B');
    expect(formatByteTick(256)).toBe('256 B');
    expect(formatByteTick(768 * MiB)).toBe('768 MiB');
    expect(formatByteTick(1.25 * GiB)).toBe('1.25 GiB');
    expect(formatByteTick(1152 * MiB)).toBe('1152 MiB');
    expect(formatByteTick(24 * GiB)).toBe('24 GiB');
    expect(formatByteTick(-1)).toBe('—');
  });
});

describe('intervalsFor', () => {
  it('fits as many tick intervals as the height has room for, at least one', () => {
    expect(intervalsFor(86, 20)).toBe(4);
    expect(intervalsFor(86, 30)).toBe(2);
    expect(intervalsFor(10, 30)).toBe(1);
    expect(intervalsFor(0, 30)).toBe(1);
  });
});

const FACTORS: Record<string, number> = { B: 1, KiB: 1024, MiB: MiB, GiB: GiB, TiB: 1024 ** 4, PiB: 1024 ** 5 };
function parseTick(label: string): number {
  const [value = '', unit = ''] = label.split(' ');
  return Number(value) * (FACTORS[unit] ?? Number.NaN);
}
