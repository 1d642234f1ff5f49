import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AgentLimits, AgentStatus, TelemetrySample } from '../../../../shared/types.js';
import { cancelFrame, inNextFrame } from '../../lib/frame.js';
import { gappedColumns, timeWindow } from '../../lib/telemetry-window.js';
import { cpuShare, cpuText, memoryText, netText, processesText } from '../../lib/telemetry-format.js';
import { useEffectiveTheme } from '../../stores/theme.js';
import { telemetryRing, useTelemetry } from '../../stores/telemetry.js';
import { type AlertMark, alertMarkersPlugin } from './alert-markers.js';
import { chartColor } from './chart-colors.js';

/** What a card's sparkline spans: the last 5 minutes of wall-clock time. */
const SPAN_S = 5 * 60;
const HEIGHT = 40;
/** Where the top (100%) line and the 0 baseline sit, in px from the canvas's top and bottom. */
const PAD_TOP = 4;
const PAD_BOTTOM = 3;
/** Without samples the window still moves on (an outage), so a gap grows as it lasts. */
const SLIDE_MS = 5000;

interface CardGraphsProps {
  agent: string;
  status: AgentStatus;
  limits: AgentLimits;
  /** Guard alerts, drawn as vertical lines at their time (keep the array stable). */
  alerts?: readonly AlertMark[];
}

const NO_MARKS: readonly AlertMark[] = [];

/** What the graph's box says when there is no line to draw. */
const NOT_RUNNING: Partial<Record<AgentStatus, string>> = {
  Stopped: 'Stopped: no usage',
  Frozen: 'Frozen: processes paused',
  Error: 'Error: no usage',
  Starting: 'Starting…',
  Stopping: 'Stopping…',
  Freezing: 'Freezing…',
};

/**
 * A card's live usage: one small uPlot (CPU, memory and processes, each on its own scale from 0
 * to its limit) over the last 5 minutes of wall-clock time, with its baseline, top line and
 * minute marks, so an idle agent reads as a flat line at 0 rather than an empty box. Created
 * once, fed with setData at most once a frame, and skipped while the card is off screen. It
 * re-renders only when its own agent's samples change.
 */
export const CardGraphs = memo(function CardGraphs({ agent, status, limits, alerts = NO_MARKS }: CardGraphsProps) {
  const latest = useTelemetry((state) => state.latest[agent]);
  const version = useTelemetry((state) => state.versions[agent] ?? 0);
  const box = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const theme = useEffectiveTheme();
  const visible = useRef(true);
  const stale = useRef(false);
  const running = status === 'Running';
  const state = useRef<SparkState>({ sample: undefined, running, window: timeWindow(Date.now(), undefined, SPAN_S) });
  state.current.running = running;
  const marks = useRef(alerts);
  marks.current = alerts;

  const draw = useRef(() => {});
  draw.current = () => {
    const plot = chart.current;
    if (!plot) return;
    if (!visible.current) {
      stale.current = true;
      return;
    }
    stale.current = false;
    inNextFrame(plot, () => {
      const ring = telemetryRing(agent);
      const spark = state.current;
      spark.sample = ring?.latest;
      spark.window = timeWindow(Date.now(), ring?.latest?.at, SPAN_S);
      // A stopped agent has no line: not a flat one at 0, not the last one it had.
      const samples = spark.running ? (ring?.since(spark.window[0] * 1000) ?? []) : [];
      if (box.current) box.current.dataset.samples = String(samples.length);
      plot.setData(sparkColumns(samples));
    });
  };

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const plot = new uPlot(sparkOptions(element.clientWidth || 240, state.current, marks), [[], [], [], []], element);
    chart.current = plot;
    draw.current();
    const resize = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
    });
    resize.observe(element);
    const seen = new IntersectionObserver((entries) => {
      visible.current = entries[entries.length - 1]?.isIntersecting ?? true;
      if (visible.current && stale.current) draw.current();
    });
    seen.observe(element);
    const slide = setInterval(() => {
      const newest = telemetryRing(agent)?.latest?.at ?? 0;
      if (state.current.running && Date.now() - newest >= SLIDE_MS) draw.current();
    }, SLIDE_MS);
    return () => {
      clearInterval(slide);
      resize.disconnect();
      seen.disconnect();
      cancelFrame(plot);
      plot.destroy();
      chart.current = null;
    };
    // The theme's colours are read when the chart is made.
  }, [agent, theme]);

  useEffect(() => draw.current(), [version, running]);
  useEffect(() => chart.current?.redraw(false, false), [alerts]);

  const note = running ? (latest ? null : 'Waiting for usage…') : (NOT_RUNNING[status] ?? status);
  return (
    <div
      className="card-graphs"
      data-testid="card-graphs"
      data-state={running ? (latest ? 'live' : 'waiting') : 'not-running'}
      data-cpu={running && latest ? Math.round(latest.cpuHostPercent) : undefined}
    >
      <div ref={box} className={running ? 'card-spark-box' : 'card-spark-box is-off'} data-testid="card-spark">
        <div ref={host} className="card-spark" aria-hidden="true" />
        {running && (
          <div className="card-spark-scale" aria-hidden="true">
            <span style={{ top: PAD_TOP }}>100%</span>
            <span style={{ top: HEIGHT - PAD_BOTTOM }}>0</span>
          </div>
        )}
        {note && (
          <p className="card-spark-note" data-testid="card-spark-note">
            {note}
          </p>
        )}
      </div>
      {running && (
        <div className="card-spark-time" aria-hidden="true">
          <span>5 min ago</span>
          <span>now</span>
        </div>
      )}
      {running && latest && <CardValues latest={latest} limits={limits} />}
    </div>
  );
});

function CardValues({ latest, limits }: { latest: TelemetrySample; limits: AgentLimits }) {
  return (
    <ul className="card-usage">
      <li className="usage-cpu" data-testid="card-cpu">
        {cpuText(latest, limits)}
      </li>
      <li className="usage-memory" data-testid="card-memory">
        {memoryText(latest)}
      </li>
      <li className="usage-processes" data-testid="card-processes">
        {processesText(latest)}
      </li>
      <li className="usage-net" data-testid="card-net">
        {netText(latest)}
      </li>
      {(latest.oomKills ?? 0) > 0 && (
        <li className="usage-oom" data-testid="card-oom">
          OOM kills {latest.oomKills}
        </li>
      )}
    </ul>
  );
}

function sparkColumns(samples: readonly TelemetrySample[]): uPlot.AlignedData {
  return gappedColumns(samples, [cpuShare, (s) => s.memoryBytes, (s) => s.processes]);
}

interface SparkState {
  sample: TelemetrySample | undefined;
  running: boolean;
  /** The x range in seconds. */
  window: [number, number];
}

/** Up to the newest sample's limit when it has one, else just above the data's own top. */
function limitRange(state: SparkState, limitOf: (s: TelemetrySample) => number | null) {
  return (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => {
    const limit = state.sample ? limitOf(state.sample) : null;
    return [0, Math.max(limit ?? (Number.isFinite(max) ? max : 0) * 1.15, 1)];
  };
}

/**
 * The graph's frame, under the lines: a line at the top (the limits), the 0 baseline and a faint
 * mark each minute. Nothing while the agent is not running.
 */
function framePlugin(state: SparkState): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: [
        (u: uPlot) => {
          if (!state.running) return;
          const { ctx, bbox } = u;
          const px = devicePixelRatio;
          const left = bbox.left;
          const right = bbox.left + bbox.width;
          const top = Math.round(bbox.top) + 0.5;
          const bottom = Math.round(bbox.top + bbox.height) + 0.5;
          ctx.save();
          ctx.lineWidth = Math.max(1, Math.round(px));
          ctx.strokeStyle = chartColor('grid');
          const [from, to] = state.window;
          for (let t = Math.ceil(from / 60) * 60; t < to; t += 60) {
            const x = Math.round(u.valToPos(t, 'x', true)) + 0.5;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, bottom);
            ctx.stroke();
          }
          ctx.strokeStyle = chartColor('limit');
          ctx.setLineDash([3 * px, 3 * px]);
          ctx.beginPath();
          ctx.moveTo(left, top);
          ctx.lineTo(right, top);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.strokeStyle = chartColor('axis');
          ctx.globalAlpha = 0.55;
          ctx.beginPath();
          ctx.moveTo(left, bottom);
          ctx.lineTo(right, bottom);
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}

function sparkOptions(width: number, state: SparkState, marks: { current: readonly AlertMark[] }): uPlot.Options {
  const line = (color: string, scale: string): uPlot.Series => ({ stroke: color, width: 1.5, scale, points: { show: false } });
  return {
    width,
    height: HEIGHT,
    padding: [PAD_TOP, 1, PAD_BOTTOM, 1],
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    plugins: [framePlugin(state), alertMarkersPlugin(marks)],
    scales: {
      // Wall-clock time: a spike sits where it happened, a young agent's line starts part way.
      x: { time: false, range: () => state.window },
      cpu: { range: (_u, _min, max) => [0, Math.max(100, Number.isFinite(max) ? max : 0)] },
      memory: { range: limitRange(state, (s) => s.memoryLimitBytes) },
      processes: { range: limitRange(state, (s) => s.processesLimit) },
    },
    axes: [{ show: false }, { show: false, scale: 'cpu' }],
    series: [
      {},
      { ...line(chartColor('cpu'), 'cpu'), fill: `${chartColor('cpu')}22` },
      line(chartColor('memory'), 'memory'),
      line(chartColor('processes'), 'processes'),
    ],
  };
}
