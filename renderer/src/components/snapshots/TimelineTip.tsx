import type { CSSProperties } from 'react';
import { formatExact, formatRelative } from '../../lib/time.js';
import { KIND_LABELS, formatExpiry } from '../../lib/snapshot-format.js';
import { cloneSourceLabel, type TimelineEvent } from '../../lib/timeline.js';

/** One line naming an event, for screen readers (aria-label) and as the tooltip's title. */
export function eventLabel(event: TimelineEvent): string {
  const at = formatExact(new Date(event.time).toISOString());
  switch (event.type) {
    case 'snapshot': {
      const s = event.snapshot;
      return `${KIND_LABELS[s.kind]} snapshot ${s.name}, ${at}${s.comment ? `: ${s.comment}` : ''}`;
    }
    case 'restore':
      return `Restored to ${event.target} (state before kept in ${event.safety}), ${at}`;
    case 'clone':
      return `Cloned into ${event.clone} from ${event.snapshot ?? 'the live agent'}, ${formatExact(new Date(event.clonedAt).toISOString())}`;
    case 'created':
      return `Created${event.clonedFrom ? ` as a clone of ${cloneSourceLabel(event.clonedFrom)}` : ''}, ${at}`;
    case 'alert':
    case 'brought-back':
      return `${event.title}, ${at}`;
  }
}

interface TipProps {
  id: string;
  event: TimelineEvent;
  now: number;
  style: CSSProperties;
}

/** Name, time and comment of the marker under the pointer or keyboard focus. */
export function TimelineTip({ id, event, now, style }: TipProps) {
  const iso = new Date(event.time).toISOString();
  const when = (
    <span className="tip-time">
      {formatRelative(iso, now)} · {formatExact(iso)}
    </span>
  );
  let body;
  switch (event.type) {
    case 'snapshot': {
      const s = event.snapshot;
      body = (
        <>
          <span className="tip-title">
            <span className={`tip-kind tip-kind-${s.kind}`}>{KIND_LABELS[s.kind]}</span> {s.name}
          </span>
          {when}
          {s.comment && <span className="tip-comment">{s.comment}</span>}
          <span className="tip-muted">{formatExpiry(s.expiresAt, now)}</span>
        </>
      );
      break;
    }
    case 'restore':
      body = (
        <>
          <span className="tip-title">Restored to {event.target}</span>
          {when}
          <span className="tip-muted">The state before is in {event.safety}.</span>
        </>
      );
      break;
    case 'clone':
      body = (
        <>
          <span className="tip-title">Cloned into {event.clone}</span>
          <span className="tip-time">{formatExact(new Date(event.clonedAt).toISOString())}</span>
          <span className="tip-muted">From {event.snapshot ?? 'the live agent'}. Click to open it.</span>
        </>
      );
      break;
    case 'created':
      body = (
        <>
          <span className="tip-title">Created</span>
          {when}
          {event.clonedFrom && <span className="tip-muted">Cloned from {cloneSourceLabel(event.clonedFrom)}</span>}
        </>
      );
      break;
    case 'alert':
    case 'brought-back':
      body = (
        <>
          <span className="tip-title">{event.title}</span>
          {when}
          {event.detail && <span className="tip-comment">{event.detail}</span>}
        </>
      );
      break;
  }
  return (
    <div className="timeline-tip" role="tooltip" id={id} data-testid="timeline-tip" style={style}>
      {body}
    </div>
  );
}

const TIP_HALF_WIDTH = 120;

/** Centres the tip on `x`, kept inside a container `width` wide. */
export function tipLeft(x: number, width: number): number {
  if (width <= 2 * TIP_HALF_WIDTH) return width / 2;
  return Math.min(width - TIP_HALF_WIDTH, Math.max(TIP_HALF_WIDTH, x));
}
