import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AgentLimits, AgentStatus, TelemetrySample } from '../../../../shared/types.js';
import { cancelFrame, inNextFrame } from '../../lib/frame.js';
import { columns, fitSpan } from '../../lib/telemetry-ring.js';
import { cpuShare, cpuText, memoryText, netText, processesText } from '../../lib/telemetry-format.js';
import { useEffectiveTheme } from '../../stores/theme.js';
import { telemetryRing, useTelemetry } from '../../stores/telemetry.js';
import { type AlertMark, alertMarkersPlugin } from './alert-markers.js';
import { chartColor } from './chart-colors.js';

/** What a card's sparkline spans. */
const SPAN_S = 5 * 60;
const HEIGHT = 36;

interface CardGraphsProps {
  agent: string;
  status: AgentStatus;
  limits: AgentLimits;
  /** Guard alerts, drawn as vertical lines at their time (keep the array stable). */
  alerts?: readonly AlertMark[];
}

const NO_MARKS: readonly AlertMark[] = [];

/**
 * A card's live usage: one small uPlot (CPU, memory and processes, each on its own scale
 * against its limit) created once, fed with setData at most once a frame, and skipped while
 * the card is off screen. It re-renders only when its own agent's samples change.
 */
export const CardGraphs = memo(function CardGraphs({ agent, status, limits, alerts = NO_MARKS }: CardGraphsProps) {
  const latest = useTelemetry((state) => state.latest[agent]);
  const version = useTelemetry((state) => state.versions[agent] ?? 0);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const theme = useEffectiveTheme();
  const visible = useRef(true);
  const stale = useRef(false);
  const newest = useRef<Newest>({ sample: undefined });
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
      newest.current.sample = ring?.latest;
      const end = ring?.latest?.at ?? Date.now();
      plot.setData(sparkColumns(ring?.since(end - SPAN_S * 1000) ?? []));
    });
  };

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const plot = new uPlot(sparkOptions(element.clientWidth || 240, newest.current, marks), [[], [], [], []], element);
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
    return () => {
      resize.disconnect();
      seen.disconnect();
      cancelFrame(plot);
      plot.destroy();
      chart.current = null;
    };
    // The theme's colours are read when the chart is made.
  }, [theme]);

  useEffect(() => draw.current(), [version]);
  useEffect(() => chart.current?.redraw(false, false), [alerts]);

  const running = status === 'Running';
  return (
    <div className="card-graphs" data-testid="card-graphs" data-cpu={latest ? Math.round(latest.cpuHostPercent) : undefined}>
      <div ref={host} className="card-spark" aria-hidden="true" />
      <CardValues latest={latest} limits={limits} running={running} />
    </div>
  );
});

function CardValues({ latest, limits, running }: { latest: TelemetrySample | undefined; limits: AgentLimits; running: boolean }) {
  if (!latest || !running) {
    return (
      <p className="card-usage-empty" data-testid="card-cpu">
        {running ? 'Waiting for usage…' : 'Not running'}
      </p>
    );
  }
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
      {latest.oomKills > 0 && (
        <li className="usage-oom" data-testid="card-oom">
          OOM kills {latest.oomKills}
        </li>
      )}
    </ul>
  );
}

function sparkColumns(samples: readonly TelemetrySample[]): uPlot.AlignedData {
  return columns(samples, [cpuShare, (s) => s.memoryBytes, (s) => s.processes]);
}

interface Newest {
  sample: TelemetrySample | undefined;
}

/** Up to the newest sample's limit when it has one, else just above the data's own top. */
function limitRange(newest: Newest, limitOf: (s: TelemetrySample) => number | null) {
  return (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => {
    const limit = newest.sample ? limitOf(newest.sample) : null;
    return [0, Math.max(limit ?? max * 1.15, 1)];
  };
}

function sparkOptions(width: number, newest: Newest, marks: { current: readonly AlertMark[] }): uPlot.Options {
  const line = (color: string, scale: string): uPlot.Series => ({ stroke: color, width: 1.25, scale, points: { show: false } });
  return {
    width,
    height: HEIGHT,
    padding: [3, 1, 1, 1],
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    plugins: [alertMarkersPlugin(marks)],
    scales: {
      x: { time: false, range: (_u, min, max) => fitSpan(min, max, SPAN_S) },
      cpu: { range: (_u, _min, max) => [0, Math.max(100, max)] },
      memory: { range: limitRange(newest, (s) => s.memoryLimitBytes) },
      processes: { range: limitRange(newest, (s) => s.processesLimit) },
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
