import type uPlot from 'uplot';
import { chartColor } from './chart-colors.js';

/** A guard alert's moment on a chart. */
export interface AlertMark {
  /** Milliseconds since the epoch. */
  at: number;
  active: boolean;
}

/**
 * A uPlot plugin drawing a vertical line at each alert's time (x in seconds), read from `marks`
 * at every draw so new alerts need only a redraw, not a new chart.
 */
export function alertMarkersPlugin(marks: { current: readonly AlertMark[] }): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          if (marks.current.length === 0) return;
          const { ctx, bbox } = u;
          const color = chartColor('alert');
          ctx.save();
          ctx.lineWidth = Math.max(1, Math.round(1.5 * devicePixelRatio));
          ctx.strokeStyle = color;
          for (const mark of marks.current) {
            const x = Math.round(u.valToPos(mark.at / 1000, 'x', true));
            if (!Number.isFinite(x) || x < bbox.left || x > bbox.left + bbox.width) continue;
            ctx.globalAlpha = mark.active ? 0.95 : 0.5;
            ctx.setLineDash(mark.active ? [] : [4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
}
