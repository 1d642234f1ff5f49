import { describe, expect, it } from 'vitest';
import { TIME_STEPS_S, timeTicks } from './time-ticks.js';

/** "06:10:00 PM" is about 75 px at 12 px, "06:10 PM" about 55 px. */
const labelWidthPx = (withSeconds: boolean) => (withSeconds ? 75 : 55);
const START = 1_800_000_000; // a round minute

/** The labels' left and right edges in px, in order. */
function spans(min: number, max: number, widthPx: number, ticks: number[], label: number) {
  return ticks.map((t) => {
    const x = ((t - min) / (max - min)) * widthPx;
    return [x - label / 2, x + label / 2] as const;
  });
}

describe('timeTicks', () => {
  it('never lets two labels touch, from a narrow pane to a 1920 px window', () => {
    for (const widthPx of [120, 240, 360, 440, 640, 900, 1200, 1800]) {
      for (const spanS of [60, 300, 3600]) {
        const min = START + 7;
        const max = min + spanS;
        const { ticks, withSeconds } = timeTicks({ min, max, widthPx, labelWidthPx });
        const edges = spans(min, max, widthPx, ticks, labelWidthPx(withSeconds));
        for (let i = 1; i < edges.length; i++) expect((edges[i]?.[0] ?? 0) - (edges[i - 1]?.[1] ?? 0)).toBeGreaterThanOrEqual(16);
        // Nothing cut off at the ends.
        for (const [left, right] of edges) {
          expect(left).toBeGreaterThanOrEqual(0);
          expect(right).toBeLessThanOrEqual(widthPx);
        }
      }
    }
  });

  it('picks the finest step that fits, on round moments, with seconds only under a minute', () => {
    // 5 minutes across 400 px: a minute is 80 px, room for "06:10 PM" and a gap, not for seconds.
    const five = timeTicks({ min: START + 3, max: START + 303, widthPx: 400, labelWidthPx });
    expect(five.step).toBe(60);
    expect(five.withSeconds).toBe(false);
    expect(five.ticks.every((t) => t % 60 === 0)).toBe(true);
    // The same 5 minutes across 1920 px: every 15 s, with seconds.
    const wide = timeTicks({ min: START + 3, max: START + 303, widthPx: 1920, labelWidthPx });
    expect(wide.step).toBe(15);
    expect(wide.withSeconds).toBe(true);
    // An hour across 400 px: a quarter of an hour.
    expect(timeTicks({ min: START, max: START + 3600, widthPx: 400, labelWidthPx }).step).toBe(900);
  });

  it('falls on local round moments', () => {
    // UTC+05:45: a quarter past the UTC hour is local :00.
    const offset = 5 * 3600 + 45 * 60;
    const { ticks } = timeTicks({ min: START, max: START + 3600, widthPx: 400, labelWidthPx, utcOffsetS: offset });
    expect(ticks.length).toBeGreaterThan(0);
    for (const t of ticks) expect((t + offset) % 900).toBe(0);
  });

  it('lets labels reach into the room beside the plot, and no further', () => {
    // A tick right at the left edge: kept only when the label may overhang by half its width.
    const base = { min: START, max: START + 300, widthPx: 400, labelWidthPx };
    expect(timeTicks(base).ticks[0]).not.toBe(START);
    expect(timeTicks({ ...base, overhangPx: { left: 64, right: 0 } }).ticks[0]).toBe(START);
  });

  it('shows nothing for an empty range, and the coarsest step when nothing fits', () => {
    expect(timeTicks({ min: START, max: START, widthPx: 400, labelWidthPx }).ticks).toEqual([]);
    const cramped = timeTicks({ min: START, max: START + 7 * 86400, widthPx: 40, labelWidthPx });
    expect(cramped.step).toBe(TIME_STEPS_S[TIME_STEPS_S.length - 1]);
  });
});
