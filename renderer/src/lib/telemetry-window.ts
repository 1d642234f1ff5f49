/**
 * What a telemetry chart spans: a fixed window of wall-clock time ending now, so a spike sits
 * where it happened, and breaks in the line where samples stopped (an Incus outage, a stopped
 * agent), drawn as gaps rather than a line across them.
 */
import type { TelemetrySample } from '../../../shared/types.js';

/**
 * The x range in seconds of a chart of the last `spanS` seconds: ending now, or at the newest
 * sample when the backend's clock runs a little ahead of this one.
 */
export function timeWindow(nowMs: number, newestMs: number | undefined, spanS: number): [number, number] {
  const end = Math.max(nowMs, newestMs ?? nowMs) / 1000;
  return [end - spanS, end];
}

/** No gap is shorter than this, whatever the cadence. */
export const MIN_GAP_MS = 4000;
/** With too few samples to know their cadence: three times the slowest (8 s), and a little. */
const UNKNOWN_CADENCE_GAP_MS = 25_000;

/**
 * How far apart two samples are when samples were missed between them: three times the usual
 * spacing (the median, so a gap does not stretch its own yardstick), at least `MIN_GAP_MS`.
 * The cadence differs (1 s for the agent in view, 2 s for the others, 8 s from the metrics
 * endpoint), so it is read from the samples.
 */
export function gapAfterMs(samples: readonly TelemetrySample[]): number {
  if (samples.length < 3) return UNKNOWN_CADENCE_GAP_MS;
  const deltas: number[] = [];
  for (let i = 1; i < samples.length; i++) deltas.push((samples[i]?.at ?? 0) - (samples[i - 1]?.at ?? 0));
  deltas.sort((a, b) => a - b);
  const median = deltas[deltas.length >> 1] ?? 0;
  return Math.max(MIN_GAP_MS, 3 * median);
}

/**
 * Columns for a chart: x in seconds (uPlot's time unit) and one column per picked value, null
 * where a value is unknown; and between two samples further apart than `gapMs`, a row of nulls
 * half way, so uPlot breaks the line there instead of drawing across the missing time.
 */
export function gappedColumns(
  samples: readonly TelemetrySample[],
  pick: readonly ((s: TelemetrySample) => number | null)[],
  gapMs = gapAfterMs(samples),
): [number[], ...(number | null)[][]] {
  const xs: number[] = [];
  const ys: (number | null)[][] = pick.map(() => []);
  let previous: TelemetrySample | undefined;
  for (const sample of samples) {
    if (previous && sample.at - previous.at > gapMs) {
      xs.push((previous.at + sample.at) / 2000);
      for (const column of ys) column.push(null);
    }
    xs.push(sample.at / 1000);
    pick.forEach((p, i) => ys[i]?.push(p(sample)));
    previous = sample;
  }
  return [xs, ...ys];
}
