/**
 * Ticks for a chart's time axis: the step chosen from the width the axis has, so labels never
 * touch, at round wall-clock moments (every 10 s, minute, 5 minutes, …), and never a label cut
 * off at either end.
 */

/** Steps in seconds, each a round moment on a clock. */
export const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export interface TimeTicksInput {
  /** The axis range in seconds since the epoch. */
  min: number;
  max: number;
  /** The plot's width in CSS pixels. */
  widthPx: number;
  /** The widest label's width in CSS pixels, with seconds (steps under a minute) or without. */
  labelWidthPx(withSeconds: boolean): number;
  /** Free space between two labels. */
  gapPx?: number;
  /** The local clock's offset from UTC in seconds (east positive), so ticks fall on local round moments. */
  utcOffsetS?: number;
  /** Room a label may take beyond the plot's left and right edges (e.g. under the y axis). */
  overhangPx?: { left: number; right: number };
}

export interface TimeTicks {
  step: number;
  /** Whether the labels show seconds: only when the step is under a minute. */
  withSeconds: boolean;
  ticks: number[];
}

export function timeTicks({ min, max, widthPx, labelWidthPx, gapPx = 16, utcOffsetS = 0, overhangPx }: TimeTicksInput): TimeTicks {
  const span = max - min;
  const last = TIME_STEPS_S[TIME_STEPS_S.length - 1] ?? 86400;
  if (!(span > 0) || !(widthPx > 0)) return { step: last, withSeconds: false, ticks: [] };
  let step = last;
  for (const candidate of TIME_STEPS_S) {
    const spacing = (candidate / span) * widthPx;
    if (spacing >= labelWidthPx(candidate < 60) + gapPx) {
      step = candidate;
      break;
    }
  }
  const withSeconds = step < 60;
  const half = labelWidthPx(withSeconds) / 2;
  const left = overhangPx?.left ?? 0;
  const right = overhangPx?.right ?? 0;
  const ticks: number[] = [];
  const first = Math.ceil((min + utcOffsetS) / step) * step - utcOffsetS;
  for (let t = first; t <= max; t += step) {
    const x = ((t - min) / span) * widthPx;
    if (x - half >= -left && x + half <= widthPx + right) ticks.push(t);
  }
  return { step, withSeconds, ticks };
}
