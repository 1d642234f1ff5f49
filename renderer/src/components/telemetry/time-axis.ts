import type uPlot from 'uplot';
import { timeTicks } from '../../lib/time-ticks.js';

/** The axes' font, set on the axes and used to measure their labels. */
export const AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';

export function timeLabel(seconds: number, withSeconds: boolean): string {
  return new Date(seconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  });
}

const widths = new Map<boolean, number>();
let measure: CanvasRenderingContext2D | null | undefined;

/** The widest label of this locale's clock (every hour tried, at :58:58), measured once. */
function labelWidthPx(withSeconds: boolean): number {
  const known = widths.get(withSeconds);
  if (known !== undefined) return known;
  measure ??= document.createElement('canvas').getContext('2d');
  let widest = withSeconds ? 80 : 60;
  if (measure) {
    measure.font = AXIS_FONT;
    widest = 0;
    for (let hour = 0; hour < 24; hour++) {
      const at = new Date(2000, 0, 1, hour, 58, 58).getTime() / 1000;
      widest = Math.max(widest, measure.measureText(timeLabel(at, withSeconds)).width);
    }
    widest = Math.ceil(widest);
  }
  widths.set(withSeconds, widest);
  return widest;
}

/**
 * A time x axis whose ticks come from the width it is drawn in (see lib/time-ticks): uPlot
 * hands that width to `space`, which is asked before `splits`. `overhang`: the room beside the
 * plot a label may reach into (under the y axis on the left, the padding on the right).
 * `onLabels` hears the labels drawn.
 */
export function timeAxis(
  base: uPlot.Axis,
  overhang: { left: number; right: number },
  onLabels?: (labels: string[]) => void,
): uPlot.Axis {
  let widthPx = 0;
  let withSeconds = false;
  return {
    ...base,
    font: AXIS_FONT,
    space: (_u, _axis, _min, _max, plotDim) => {
      widthPx = plotDim;
      // Small, so uPlot's own step search always finds one and keeps the axis shown.
      return 1;
    },
    splits: (_u, _axis, min, max) => {
      const utcOffsetS = -new Date(max * 1000).getTimezoneOffset() * 60;
      const ticks = timeTicks({ min, max, widthPx, labelWidthPx, utcOffsetS, overhangPx: overhang });
      withSeconds = ticks.withSeconds;
      return ticks.ticks;
    },
    values: (_u, splits) => {
      const labels = splits.map((v) => timeLabel(v, withSeconds));
      onLabels?.(labels);
      return labels;
    },
  };
}
