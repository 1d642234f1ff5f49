import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AgentLimits, TelemetrySample } from '../../../../shared/types.js';
import { cancelFrame, inNextFrame } from '../../lib/frame.js';
import { columns, fitSpan } from '../../lib/telemetry-ring.js';
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

  const draw = useRef(() => {});
  draw.current = () => {
    const plot = chart.current;
    if (!plot) return;
    inNextFrame(plot, () => {
      const ring = telemetryRing(agent);
      const end = ring?.latest?.at ?? Date.now();
      const samples = ring?.since(end - span.current * 1000) ?? [];
      plot.setData(columns(samples, spec.series.map((s) => s.pick)));
    });
  };

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const plot = new uPlot(detailOptions(spec, element.clientWidth || 320, span, marks), [[], ...spec.series.map(() => [])], element);
    chart.current = plot;
    draw.current();
    const resize = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1]?.contentRect.width ?? 0);
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      cancelFrame(plot);
      plot.destroy();
      chart.current = null;
    };
  }, [spec, theme]);

  useEffect(() => draw.current(), [version, seconds]);
  // New or cleared alerts: the same data, drawn again with the markers.
  useEffect(() => chart.current?.redraw(false, false), [alerts]);

  return <div ref={host} className="chart-plot" />;
}

function detailOptions(
  spec: ChartSpec,
  width: number,
  span: { current: number },
  marks: { current: readonly AlertMark[] },
): uPlot.Options {
  const axis = chartColor('axis');
  const grid = chartColor('grid');
  const show = (v: number | null | undefined) => (v === null || v === undefined ? '—' : spec.format(v));
  return {
    width,
    height: HEIGHT,
    padding: [6, 8, 0, 0],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    plugins: [alertMarkersPlugin(marks)],
    scales: {
      x: { range: (_u, min, max) => fitSpan(min, max, span.current) },
      y: { range: (_u, _min, max) => [0, Math.max(spec.minTop ?? 0, max * 1.1, 1)] },
    },
    axes: [
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        size: 28,
        space: 70,
        values: (_u, splits) =>
          splits.map((v) =>
            new Date(v * 1000).toLocaleTimeString([], {
              hour: '2-digit',
              minute: '2-digit',
              ...(span.current <= 300 ? { second: '2-digit' } : {}),
            }),
          ),
      },
      {
        stroke: axis,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        size: 64,
        values: (_u, splits) => splits.map((v) => spec.format(v)),
      },
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
