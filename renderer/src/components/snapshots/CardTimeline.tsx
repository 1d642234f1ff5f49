import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Agent, GuardAlert } from '../../../../shared/types.js';
import { alertTitle } from '../../hooks/useTimelineExtras.js';
import { useElementWidth } from '../../hooks/useElementWidth.js';
import { useNowEvery } from '../../hooks/useNow.js';
import { formatExact, formatRelative } from '../../lib/time.js';
import { type TimelineEvent, fitRange, newestSnapshots, spreadPositions, timeOf, timeToX } from '../../lib/timeline.js';
import { broughtBackMarks } from '../../lib/brought-back.js';
import { useActivity } from '../../stores/activity.js';
import type { AgentSnapshots } from '../../stores/snapshots.js';
import { ensureActivity } from '../../workspace-actions.js';
import { MarkerGlyph } from './MarkerGlyph.js';
import { TimelineTip, eventLabel, tipLeft } from './TimelineTip.js';

/** Markers a card shows: the newest few; the agent view has them all. */
const CARD_MARKERS = 8;
const INSET = 7;
const GAP = 11;

interface CardTimelineProps {
  agent: Agent;
  entry: AgentSnapshots | undefined;
  onOpen(snapshot: string | null): void;
  /** The agent's guard alerts, drawn as thin red ticks at their time. */
  alerts?: readonly GuardAlert[];
}

const NO_ALERTS: readonly GuardAlert[] = [];

/**
 * A thin time axis from the agent's creation (or its oldest snapshot) to now, with its newest
 * snapshots as markers told apart by shape; hover or focus one for its name, time and comment.
 */
export function CardTimeline({ agent, entry, onOpen, alerts = NO_ALERTS }: CardTimelineProps) {
  const track = useRef<HTMLDivElement>(null);
  const width = useElementWidth(track, 260);
  const now = useNowEvery(10_000);
  const tipId = useId();
  const [active, setActive] = useState<string | null>(null);

  const snapshots = useMemo(() => entry?.snapshots ?? [], [entry]);
  // Work brought back (activity entries with broughtBack), for agents with a project.
  const hasWorkspace = agent.workspace !== null;
  const activity = useActivity((state) => (hasWorkspace ? state.byAgent[agent.name] : undefined));
  const back = useMemo(() => broughtBackMarks(activity ?? []), [activity]);
  useEffect(() => {
    if (hasWorkspace) ensureActivity(agent.name);
  }, [hasWorkspace, agent.name]);
  const created = timeOf(agent.createdAt);
  const range = fitRange([created, ...snapshots.map((s) => timeOf(s.createdAt))], now);
  const { shown, hidden } = newestSnapshots(snapshots, CARD_MARKERS);
  const xs = spreadPositions(
    shown.map((s) => timeToX(timeOf(s.createdAt), range, width, INSET)),
    GAP,
    INSET,
    Math.max(INSET, width - INSET),
  );
  const activeIndex = shown.findIndex((s) => s.name === active);
  const activeSnapshot = shown[activeIndex];
  const activeEvent: TimelineEvent | null = activeSnapshot
    ? { type: 'snapshot', key: activeSnapshot.name, time: timeOf(activeSnapshot.createdAt), snapshot: activeSnapshot }
    : null;

  let caption = '';
  if (!entry || entry.state === 'loading') caption = 'Loading…';
  else if (entry.state === 'failed') caption = 'Could not list snapshots';
  else if (snapshots.length === 0) caption = 'No snapshots yet';
  else if (hidden > 0) caption = `${hidden} older not shown`;

  return (
    <div className="mini-timeline" data-testid="card-timeline" data-count={snapshots.length}>
      <div className="mini-track" ref={track}>
        <span className="mini-axis" aria-hidden="true" />
        <span
          className="mini-start"
          style={{ left: INSET }}
          title={`Created ${formatExact(agent.createdAt)}`}
          aria-hidden="true"
        />
        <span className="mini-now" aria-hidden="true" />
        {alerts.map((alert) => (
          <span
            key={alert.id}
            className={alert.active ? 'mini-alert is-active' : 'mini-alert'}
            // `now` ticks every 10 s: an alert newer than that sits at the end, not past it.
            style={{ left: Math.min(Math.max(INSET, timeToX(alert.at, range, width, INSET)), Math.max(INSET, width - INSET)) }}
            data-testid="timeline-alert"
            data-active={alert.active}
            role="img"
            aria-label={`Guard: ${alertTitle(alert)}, ${formatExact(new Date(alert.at).toISOString())}`}
            title={`Guard: ${alert.message}${alert.action ? ` (${alert.action})` : ''}\n${formatExact(new Date(alert.at).toISOString())}`}
          />
        ))}
        {back.map((mark) => (
          <span
            key={mark.key}
            className="mini-back"
            style={{ left: Math.min(Math.max(INSET, timeToX(mark.at, range, width, INSET)), Math.max(INSET, width - INSET)) }}
            data-testid="timeline-brought-back"
            role="img"
            aria-label={`${mark.title}, ${formatExact(new Date(mark.at).toISOString())}`}
            title={`${mark.title}${mark.detail ? ` (${mark.detail})` : ''}\n${formatExact(new Date(mark.at).toISOString())}`}
          >
            <MarkerGlyph kind="brought-back" size={9} />
          </span>
        ))}
        {shown.map((snapshot, i) => {
          const event: TimelineEvent = { type: 'snapshot', key: snapshot.name, time: timeOf(snapshot.createdAt), snapshot };
          return (
            <button
              key={snapshot.name}
              type="button"
              className={`marker marker-${snapshot.kind}`}
              style={{ left: xs[i] }}
              data-testid="timeline-marker"
              data-snapshot={snapshot.name}
              data-kind={snapshot.kind}
              aria-label={eventLabel(event)}
              aria-describedby={active === snapshot.name ? tipId : undefined}
              onPointerEnter={() => setActive(snapshot.name)}
              onPointerLeave={() => setActive((current) => (current === snapshot.name ? null : current))}
              onFocus={() => setActive(snapshot.name)}
              onBlur={() => setActive((current) => (current === snapshot.name ? null : current))}
              onClick={() => onOpen(snapshot.name)}
            >
              <MarkerGlyph kind={snapshot.kind} size={10} />
            </button>
          );
        })}
        {activeEvent && (
          <TimelineTip
            id={tipId}
            event={activeEvent}
            now={now}
            style={{ left: tipLeft(xs[activeIndex] ?? 0, width), bottom: 'calc(100% + 6px)' }}
          />
        )}
      </div>
      <div className="mini-caption">
        <span title={formatExact(agent.createdAt)}>{formatRelative(agent.createdAt, now)}</span>
        <span className="mini-caption-middle" title={entry?.state === 'failed' ? (entry.error ?? undefined) : undefined}>
          {caption}
        </span>
        <span>now</span>
      </div>
    </div>
  );
}
