import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AgentLimits, TelemetrySample } from '../../../../shared/types.js';
import { cancelFrame, inNextFrame } from '../../lib/frame.js';
import { byteTicks, formatByteTick, intervalsFor } from '../../lib/byte-ticks.js';
import { gappedColumns, timeWindow } from '../../lib/telemetry-window.js';
import {
  cpuText,
  diskText,
  formatBytes,
  formatPercent,
  formatRate,
  memoryText,
  netText,
  processesText,
} from '../../lib/telemetry-format.js';
import { useEffectiveTheme } from '../../stores/theme.js';
import { telemetryRing, useTelemetry } from '../../stores/telemetry.js';
import { type AlertMark, alertMarkersPlugin } from './alert-markers.js';
import { type ChartColor, chartColor } from './chart-colors.js';
import { AXIS_FONT, timeAxis } from './time-axis.js';

const RANGES = [
  { id: '5m', label: '5 min', seconds: 5 * 60 },
  { id: '1h', label: '1 h', seconds: 60 * 60 },
] as const;
type RangeId = (typeof RANGES)[number]['id'];

interface SeriesSpec {
  label: string;
  color: ChartColor;
  pick(s: TelemetrySample): number | null;
  dash?: boolean;
}

interface ChartSpec {
  id: string;
  title: string;
  format(v: number): string;
  series: SeriesSpec[];
  /** At least this top (e.g. 100 for percentages). */
  minTop?: number;
  /** A y axis in bytes ('size') or bytes per second ('rate'), on binary steps (lib/byte-ticks). */
  bytes?: 'size' | 'rate';
}

const count = (v: number) => String(Math.round(v));

const CHARTS: ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU',
    format: formatPercent,
    minTop: 100,
    series: [
      { label: 'of host', color: 'cpu', pick: (s) => s.cpuHostPercent },
      { label: 'of allowance', color: 'limit', pick: (s) => s.cpuLimitPercent, dash: true },
    ],
  },
  {
    id: 'memory',
    title: 'Memory',
    format: formatBytes,
    minTop: 1024 ** 2,
    bytes: 'size',
    series: [
      { label: 'used', color: 'memory', pick: (s) => s.memoryBytes },
      { label: 'limit', color: 'limit', pick: (s) => s.memoryLimitBytes, dash: true },
    ],
  },
  {
    id: 'processes',
    title: 'Processes',
    format: count,
    minTop: 10,
    series: [
      { label: 'running', color: 'processes', pick: (s) => s.processes },
      { label: 'limit', color: 'limit', pick: (s) => s.processesLimit, dash: true },
    ],
  },
  {
    id: 'disk',
    title: 'Disk',
    format: formatBytes,
    minTop: 1024 ** 2,
    bytes: 'size',
    series: [
      { label: 'used', color: 'disk', pick: (s) => s.diskBytes },
      { label: 'size', color: 'limit', pick: (s) => s.diskLimitBytes, dash: true },
    ],
  },
  {
    id: 'network',
    title: 'Network',
    format: formatRate,
    minTop: 1024,
    bytes: 'rate',
    series: [
      { label: 'rx', color: 'rx', pick: (s) => s.netRxBytesPerSec },
      { label: 'tx', color: 'tx', pick: (s) => s.netTxBytesPerSec },
    ],
  },
];

function nowText(spec: ChartSpec, s: TelemetrySample, limits: AgentLimits): string {
  switch (spec.id) {
    case 'cpu':
      return cpuText(s, limits);
    case 'memory':
      return memoryText(s);
    case 'processes':
      return processesText(s);
    case 'disk':
      return diskText(s);
    default:
      return netText(s);
  }
}

/** The agent in view, sampled every second: one uPlot per resource, values on hover. */
const NO_MARKS: readonly AlertMark[] = [];

/** `alerts`: the agent's guard alerts, drawn as vertical lines at their time. */
export function AgentCharts({ agent, limits, alerts = NO_MARKS }: { agent: string; limits: AgentLimits; alerts?: readonly AlertMark[] }) {
  const [range, setRange] = useState<RangeId>('5m');
  const latest = useTelemetry((state) => state.latest[agent]);
  const seconds = RANGES.find((r) => r.id === range)?.seconds ?? 300;

  return (
    <div
      className="agent-charts"
      data-testid="agent-charts"
      data-samples={telemetryRing(agent)?.size ?? 0}
      data-alert-markers={alerts.length}
    >
      <div className="chart-range" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <button
            key={r.id}
            type="button"
            className={r.id === range ? 'button button-small is-active' : 'button button-small'}
            data-testid={`range-${r.id}`}
            aria-pressed={r.id === range}
            onClick={() => setRange(r.id)}
          >
            {r.label}
          </button>
        ))}
        {latest?.oomKills ? (
          <span className="usage-oom" data-testid="view-oom">
            OOM kills {latest.oomKills}
          </span>
        ) : null}
      </div>
      {!latest && <p className="list-empty">No usage yet: samples arrive while the agent runs.</p>}
      {CHARTS.map((spec) => (
        <section key={spec.id} className="chart" data-chart={spec.id}>
          <h4 className="chart-title">
            {spec.title}
            {latest && <span className="chart-now">{nowText(spec, latest, limits)}</span>}
          </h4>
          <TimeChart agent={agent} spec={spec} seconds={seconds} alerts={alerts} />
        </section>
      ))}
    </div>
  );
}

const HEIGHT = 120;
const X_AXIS_SIZE = 28;
const Y_AXIS_SIZE = 64;
const PAD_TOP = 6;
const PAD_RIGHT = 10;
/** The plot area's height, fixed, so the y range and its ticks agree from the first draw. */
const PLOT_HEIGHT = HEIGHT - X_AXIS_SIZE - PAD_TOP;
/** Room for a tick label (11 px) and air between two. */
const Y_TICK_SPACE = 26;
/** Without samples the window still moves on (an outage, a stop), so a gap grows as it lasts. */
const SLIDE_MS = 5000;

interface TimeChartProps {
  agent: string;
  spec: ChartSpec;
  seconds: number;
  alerts: readonly AlertMark[];
}

function TimeChart({ agent, spec, seconds, alerts }: TimeChartProps) {
  const version = useTelemetry((state) => state.versions[agent] ?? 0);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const span = useRef(seconds);
  const theme = useEffectiveTheme();
  span.current = seconds;
  const marks = useRef(alerts);
  marks.current = alerts;
  const shown = useRef<[number, number]>(timeWindow(Date.now(), undefined, seconds));

  const draw = useRef(() => {});
  draw.current = () => {
    const plot = chart.current;
    if (!plot) return;
    inNextFrame(plot, () => {
      const ring = telemetryRing(agent);
      shown.current = timeWindow(Date.now(), ring?.latest?.at, span.current);
      const samples = ring?.since(shown.current[0] * 1000) ?? [];
      plot.setData(gappedColumns(samples, spec.series.map((s) => s.pick)));
    });
  };

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    // The labels drawn on the canvas, also as attributes, for tests and for a look in devtools.
    const onLabels = (axis: 'xTicks' | 'yTicks', labels: string[]) => (element.dataset[axis] = labels.join('|'));
    const plot = new uPlot(detailOptions(spec, element.clientWidth || 320, shown, marks, onLabels), [[], ...spec.series.map(() => [])], element);
    chart.current = plot;
    draw.current();
    const resize = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
    });
    resize.observe(element);
    const slide = setInterval(() => {
      const newest = telemetryRing(agent)?.latest?.at ?? 0;
      if (Date.now() - newest >= SLIDE_MS) draw.current();
    }, SLIDE_MS);
    return () => {
      clearInterval(slide);
      resize.disconnect();
      cancelFrame(plot);
      plot.destroy();
      chart.current = null;
    };
  }, [agent, spec, theme]);

  useEffect(() => draw.current(), [version, seconds]);
  // New or cleared alerts: the same data, drawn again with the markers.
  useEffect(() => chart.current?.redraw(false, false), [alerts]);

  return <div ref={host} className="chart-plot" />;
}

function detailOptions(
  spec: ChartSpec,
  width: number,
  shown: { current: [number, number] },
  marks: { current: readonly AlertMark[] },
  onLabels: (axis: 'xTicks' | 'yTicks', labels: string[]) => void,
): uPlot.Options {
  const axis = chartColor('axis');
  const grid = chartColor('grid');
  const show = (v: number | null | undefined) => (v === null || v === undefined ? '—' : spec.format(v));
  const intervals = intervalsFor(PLOT_HEIGHT, Y_TICK_SPACE);
  const top = (max: number) => Math.max(spec.minTop ?? 0, Number.isFinite(max) ? max : 0, 1);
  const suffix = spec.bytes === 'rate' ? '/s' : '';
  const labelled = (labels: string[]) => {
    onLabels('yTicks', labels);
    return labels;
  };
  const yAxis: uPlot.Axis = {
    stroke: axis,
    font: AXIS_FONT,
    grid: { stroke: grid, width: 1 },
    ticks: { show: false },
    size: Y_AXIS_SIZE,
    values: (_u, splits) => labelled(splits.map((v) => spec.format(v))),
  };
  return {
    width,
    height: HEIGHT,
    padding: [PAD_TOP, PAD_RIGHT, 0, 0],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    plugins: [alertMarkersPlugin(marks)],
    scales: {
      // Wall-clock time over the chosen span, however much of it has samples.
      x: { range: () => shown.current },
      y: {
        range: (_u, _min, max) => (spec.bytes ? [0, byteTicks(top(max), intervals).top] : [0, Math.max(top(max), max * 1.1)]),
      },
    },
    axes: [
      timeAxis(
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: X_AXIS_SIZE },
        { left: Y_AXIS_SIZE, right: PAD_RIGHT },
        (labels) => onLabels('xTicks', labels),
      ),
      spec.bytes
        ? {
            ...yAxis,
            splits: (_u, _axis, _min, max) => byteTicks(max, intervals).ticks,
            values: (_u, splits) => labelled(splits.map((v) => `${formatByteTick(v)}${suffix}`)),
          }
        : yAxis,
    ],
    series: [
      { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
      ...spec.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: chartColor(s.color),
          width: 1.5,
          dash: s.dash ? [4, 4] : undefined,
          points: { show: false },
          value: (_u, v) => show(v),
          ...(s.dash ? {} : { fill: `${chartColor(s.color)}1f` }),
        }),
      ),
    ],
  };
}
