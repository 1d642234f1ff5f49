/**
 * Ticks for axes in bytes (or bytes per second) on binary-friendly steps: 64, 128, 256,
 * 512 MiB, 1 GiB, 2 GiB, …, so every label is exact in the binary units it is written in,
 * never "954 MiB" or "1.86 GiB".
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** The smallest power-of-two step (at least 1 B) that covers `max` in at most `maxIntervals` steps. */
export function byteStep(max: number, maxIntervals: number): number {
  const intervals = Math.max(1, Math.floor(maxIntervals));
  if (!Number.isFinite(max) || max <= 0) return 1;
  let step = 2 ** Math.max(0, Math.ceil(Math.log2(max / intervals)));
  // log2 can be off by one at exact powers: settle on the smallest step that covers.
  while (step > 1 && Math.ceil(max / (step / 2)) <= intervals) step /= 2;
  while (Math.ceil(max / step) > intervals) step *= 2;
  return step;
}

export interface ByteTicks {
  step: number;
  /** The axis top: the first tick at or above `max`. */
  top: number;
  /** 0, step, 2·step, … top. */
  ticks: number[];
}

/** An axis from 0 to just past `max` with at most `maxIntervals` steps between ticks. */
export function byteTicks(max: number, maxIntervals: number): ByteTicks {
  const step = byteStep(max, maxIntervals);
  const top = Math.max(1, Math.ceil(Math.max(0, max) / step)) * step;
  const ticks: number[] = [];
  for (let k = 0; k * step <= top; k++) ticks.push(k * step);
  return { step, top, ticks };
}

/**
 * How many tick intervals fit a plot `heightPx` tall with at least `minSpacePx` between
 * ticks (at least one).
 */
export function intervalsFor(heightPx: number, minSpacePx: number): number {
  if (!(heightPx > 0) || !(minSpacePx > 0)) return 1;
  return Math.max(1, Math.floor(heightPx / minSpacePx));
}

/**
 * A tick's label, exact: in the largest unit it is at least 1 of and a whole multiple of a
 * quarter in (so at most two decimals, all of them true: "1.5 GiB", "768 MiB", "1152 MiB"
 * rather than a rounded "1.13 GiB"). Non-ticks fall back to bytes.
 */
export function formatByteTick(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes === 0) return '0 B';
  for (let unit = UNITS.length - 1; unit > 0; unit--) {
    const value = bytes / 1024 ** unit;
    if (value >= 1 && Number.isInteger(value * 4)) return `${value} ${UNITS[unit]}`;
  }
  return `${Math.round(bytes)} B`;
}
