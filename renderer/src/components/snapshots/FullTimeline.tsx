import { useId, useMemo, useRef, useState } from 'react';
import type { Agent, Snapshot } from '../../../../shared/types.js';
import { useElementWidth } from '../../hooks/useElementWidth.js';
import { useNowEvery } from '../../hooks/useNow.js';
import {
  type MarkerKind,
  type PlacedEvent,
  type TimelineEvent,
  deriveTimeline,
  fitRange,
  formatTick,
  layoutTimeline,
  markerKind,
  timeTicks,
  timeToX,
} from '../../lib/timeline.js';
import { useAgents } from '../../stores/agents.js';
import { MarkerGlyph } from './MarkerGlyph.js';
import { SegmentedText } from '../SegmentedText.js';
import { TimelineTip, eventLabel, tipLeft } from './TimelineTip.js';

const INSET = 18;
const GAP = 17;
const LANE = 18;
/** Room above the markers for restore arcs. */
const ARC_ROOM = 30;
/** From the axis down to the first row of clone branches. */
const BRANCH_DROP = 30;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZOOMS: { label: string; span: number | null }[] = [
  { label: 'Fit', span: null },
  { label: '7 d', span: 7 * DAY },
  { label: '24 h', span: DAY },
  { label: '1 h', span: HOUR },
];

const LEGEND: { kind: MarkerKind; label: string }[] = [
  { kind: 'manual', label: 'Manual' },
  { kind: 'scheduled', label: 'Scheduled' },
  { kind: 'safety', label: 'Safety' },
  { kind: 'restore', label: 'Restore' },
  { kind: 'clone', label: 'Clone' },
  { kind: 'created', label: 'Created' },
];

/** The legend names the extra kinds only when some are on the axis. */
function legendFor(extra: readonly TimelineEvent[]): { kind: MarkerKind; label: string }[] {
  const legend = [...LEGEND];
  if (extra.some((e) => e.type === 'alert')) legend.push({ kind: 'alert', label: 'Guard alert' });
  if (extra.some((e) => e.type === 'brought-back')) legend.push({ kind: 'brought-back', label: 'Brought back' });
  return legend;
}

interface FullTimelineProps {
  agent: Agent;
  snapshots: readonly Snapshot[];
  selected: string | null;
  /** More events to place (guard alerts, later). */
  extra: readonly TimelineEvent[];
  onSelectSnapshot(name: string): void;
  onOpenAgent(name: string): void;
}

/**
 * The agent's whole history on one axis, zoomed to fit: snapshots by kind, each restore right
 * after the safety snapshot it took with an arc back to where it went, clones branching off
 * the snapshot (or the moment) they came from, and the agent's creation.
 */
export function FullTimeline({ agent, snapshots, selected, extra, onSelectSnapshot, onOpenAgent }: FullTimelineProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = useElementWidth(box, 560);
  const now = useNowEvery(10_000);
  const agents = useAgents((state) => state.agents);
  const [zoom, setZoom] = useState<number | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const tipId = useId();
  const arrowId = `restore-arrow-${tipId.replace(/[^A-Za-z0-9_-]/g, '')}`;

  const events = useMemo(() => deriveTimeline({ agent, snapshots, agents, extra }), [agent, snapshots, agents, extra]);
  const full = fitRange(
    events.map((e) => e.time),
    now,
  );
  const fullSpan = full.end - full.start;
  // Shorter spans only when there is more history than they show.
  const zooms = ZOOMS.filter((z) => z.span === null || z.span < fullSpan);
  const range = zoom === null ? full : { start: Math.max(full.start, full.end - zoom), end: full.end };
  const layout = layoutTimeline(events, range, width, { inset: INSET, gap: GAP });
  const { ticks, step } = timeTicks(range, width - 2 * INSET);

  const axisY = ARC_ROOM + (layout.lanes.main - 1) * LANE + 10;
  const hasBranches = layout.items.some((item) => item.row === 'branch');
  const branchY = axisY + BRANCH_DROP;
  const ticksY = hasBranches ? branchY + (layout.lanes.branch - 1) * LANE + 24 : axisY + 26;
  const height = ticksY + 6;
  const yOf = (item: PlacedEvent) => (item.row === 'main' ? axisY - item.lane * LANE : branchY + item.lane * LANE);
  const xOfTime = (time: number) => timeToX(time, range, width, INSET);

  const activeItem = layout.items.find((item) => item.event.key === active);

  function onMarker(event: TimelineEvent) {
    if (event.type === 'snapshot') onSelectSnapshot(event.snapshot.name);
    else if (event.type === 'restore') onSelectSnapshot(event.target);
    else if (event.type === 'clone') onOpenAgent(event.clone);
  }

  const isSelected = (event: TimelineEvent) =>
    selected !== null &&
    ((event.type === 'snapshot' && event.snapshot.name === selected) ||
      (event.type === 'restore' && (event.target === selected || event.safety === selected)) ||
      (event.type === 'clone' && event.snapshot === selected));

  return (
    <div className="full-timeline" data-testid="full-timeline">
      {(zooms.length > 1 || layout.hidden > 0) && (
        <div className="timeline-bar">
          {zooms.length > 1 && (
            <SegmentedText
              label="Zoom"
              testId="timeline-zoom"
              dataName="zoom"
              options={zooms.map((z) => ({ value: z.span, label: z.label, data: z.span === null ? 'fit' : z.label }))}
              value={zoom}
              onChange={setZoom}
            />
          )}
          {layout.hidden > 0 && (
            <span className="timeline-hidden">
              {layout.hidden} earlier event{layout.hidden === 1 ? '' : 's'} outside this range
            </span>
          )}
        </div>
      )}
      <div className="timeline-canvas" ref={box} style={{ height }}>
        <svg className="timeline-svg" width={width} height={height} aria-hidden="true">
          {ticks.map((t) => {
            const x = xOfTime(t);
            return (
              <g key={t}>
                <line className="tick-line" x1={x} x2={x} y1={ARC_ROOM - 12} y2={ticksY - 12} />
                <text className="tick-label" x={x} y={ticksY} textAnchor="middle">
                  {formatTick(t, step)}
                </text>
              </g>
            );
          })}
          <line className="axis-line" x1={INSET} x2={width - INSET} y1={axisY} y2={axisY} />
          <line className="now-line" x1={xOfTime(range.end)} x2={xOfTime(range.end)} y1={ARC_ROOM - 14} y2={axisY + 8} />
          <text className="now-label" x={xOfTime(range.end) - 4} y={ARC_ROOM - 18} textAnchor="end">
            now
          </text>
          {layout.links.map((link) => {
            const x1 = link.from.x;
            const y1 = yOf(link.from);
            const x2 = link.to.x;
            const y2 = yOf(link.to);
            if (link.kind === 'restore') {
              const top = Math.min(y1, y2) - 12 - Math.min(14, Math.abs(x1 - x2) / 12);
              return (
                <path
                  key={`${link.from.event.key}>${link.to.event.key}`}
                  className="restore-arc"
                  d={`M${x1} ${y1 - 7} C${x1} ${top}, ${x2} ${top}, ${x2} ${y2 - 8}`}
                  markerEnd={`url(#${arrowId})`}
                />
              );
            }
            return (
              <path
                key={`${link.from.event.key}>${link.to.event.key}`}
                className="clone-link"
                d={`M${x1} ${y1 + 6} C${x1} ${(y1 + y2) / 2}, ${x2} ${(y1 + y2) / 2}, ${x2} ${y2 - 7}`}
              />
            );
          })}
          {layout.items
            .filter((item) => item.event.type === 'clone' && item.event.snapshot === null)
            .map((item) => (
              <line key={`stub-${item.event.key}`} className="clone-link" x1={item.x} x2={item.x} y1={axisY} y2={yOf(item) - 7} />
            ))}
          <defs>
            <marker id={arrowId} viewBox="0 0 8 8" refX="4" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0 0 8 4 0 8Z" className="restore-arrow" />
            </marker>
          </defs>
        </svg>
        {layout.items.map((item) => {
          const event = item.event;
          const kind = markerKind(event);
          return (
            <button
              key={event.key}
              type="button"
              className={`marker marker-lg marker-${kind}${isSelected(event) ? ' is-selected' : ''}`}
              style={{ left: item.x, top: yOf(item) }}
              data-testid="timeline-event"
              data-kind={kind}
              data-snapshot={event.type === 'snapshot' ? event.snapshot.name : undefined}
              data-target={event.type === 'restore' ? event.target : event.type === 'clone' ? event.clone : undefined}
              aria-label={eventLabel(event)}
              aria-describedby={active === event.key ? tipId : undefined}
              tabIndex={event.type === 'created' ? -1 : 0}
              onPointerEnter={() => setActive(event.key)}
              onPointerLeave={() => setActive((current) => (current === event.key ? null : current))}
              onFocus={() => setActive(event.key)}
              onBlur={() => setActive((current) => (current === event.key ? null : current))}
              onClick={() => onMarker(event)}
            >
              <MarkerGlyph kind={kind} size={13} />
            </button>
          );
        })}
        {activeItem && (
          <TimelineTip
            id={tipId}
            event={activeItem.event}
            now={now}
            style={
              yOf(activeItem) > height / 2
                ? { left: tipLeft(activeItem.x, width), bottom: height - yOf(activeItem) + 14 }
                : { left: tipLeft(activeItem.x, width), top: yOf(activeItem) + 14 }
            }
          />
        )}
      </div>
      <ul className="timeline-legend" aria-label="Legend">
        {legendFor(extra).map(({ kind, label }) => (
          <li key={kind} className={`legend-item marker-${kind}`}>
            <MarkerGlyph kind={kind} size={11} />
            {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
