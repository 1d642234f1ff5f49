/**
 * Timeline math: what happened to an agent (derived from Incus data only: its creation, its
 * snapshots, the safety snapshots restores leave behind, and the agents cloned from it), and
 * where each event goes on a time axis. Pure, so it is tested without a DOM.
 */
import type { Agent, CloneSource, Snapshot, SnapshotKind } from '../../../shared/types.js';

/** "web/snap-1" (a snapshot of web) or "web" (the live agent), for labels. */
export function cloneSourceLabel(source: CloneSource): string {
  return source.snapshot === null ? source.agent : `${source.agent}/${source.snapshot}`;
}

/**
 * One thing on an agent's timeline. `alert` is the extension point for guard alerts: callers
 * pass them in `extra` and they are placed and drawn like the others.
 */
export type TimelineEvent =
  | { type: 'created'; key: string; time: number; agent: string; clonedFrom: CloneSource | null }
  | { type: 'snapshot'; key: string; time: number; snapshot: Snapshot }
  /** Placed right after the safety snapshot it left; `target` is the snapshot it went back to. */
  | { type: 'restore'; key: string; time: number; safety: string; target: string }
  /** A branch: `clone` was made from `snapshot` of this agent (null: from the live agent). */
  | { type: 'clone'; key: string; time: number; clone: string; snapshot: string | null; clonedAt: number }
  | { type: 'alert'; key: string; time: number; title: string; detail: string }
  /** Work brought back through the review gate (from the activity log). */
  | { type: 'brought-back'; key: string; time: number; title: string; detail: string };

export type MarkerKind = SnapshotKind | 'restore' | 'clone' | 'created' | 'alert' | 'brought-back';

export function markerKind(event: TimelineEvent): MarkerKind {
  return event.type === 'snapshot' ? event.snapshot.kind : event.type;
}

const ORDER: Record<TimelineEvent['type'], number> = { created: 0, snapshot: 1, restore: 2, clone: 3, alert: 4, 'brought-back': 5 };

export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  return a.time - b.time || ORDER[a.type] - ORDER[b.type] || a.key.localeCompare(b.key);
}

export function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first, ties by name. */
export function sortSnapshots(snapshots: readonly Snapshot[]): Snapshot[] {
  return [...snapshots].sort((a, b) => timeOf(a.createdAt) - timeOf(b.createdAt) || a.name.localeCompare(b.name));
}

export interface TimelineInput {
  agent: Pick<Agent, 'name' | 'createdAt' | 'clonedFrom'>;
  snapshots: readonly Snapshot[];
  /** Every agent known, to find the ones cloned from this one. */
  agents: readonly Pick<Agent, 'name' | 'createdAt' | 'clonedFrom'>[];
  /** Events from elsewhere (guard alerts, later). */
  extra?: readonly TimelineEvent[];
}

/** The agent's history, oldest first. */
export function deriveTimeline({ agent, snapshots, agents, extra = [] }: TimelineInput): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { type: 'created', key: 'created', time: timeOf(agent.createdAt), agent: agent.name, clonedFrom: agent.clonedFrom },
  ];
  const byName = new Map(snapshots.map((s) => [s.name, s]));
  for (const snapshot of snapshots) {
    const time = timeOf(snapshot.createdAt);
    events.push({ type: 'snapshot', key: `snapshot:${snapshot.name}`, time, snapshot });
    const target = snapshot.restoredTo;
    if (target) events.push({ type: 'restore', key: `restore:${snapshot.name}`, time, safety: snapshot.name, target });
  }
  for (const other of agents) {
    if (other.name === agent.name || other.clonedFrom?.agent !== agent.name) continue;
    const clonedAt = timeOf(other.createdAt);
    const snapshot = other.clonedFrom.snapshot;
    if (snapshot === null) {
      events.push({ type: 'clone', key: `clone:${other.name}`, time: clonedAt, clone: other.name, snapshot: null, clonedAt });
    } else {
      const anchor = byName.get(snapshot);
      const time = anchor ? timeOf(anchor.createdAt) : clonedAt;
      events.push({ type: 'clone', key: `clone:${other.name}`, time, clone: other.name, snapshot, clonedAt });
    }
  }
  events.push(...extra);
  return events.sort(compareEvents);
}

/** The newest `max` snapshots, oldest first, and how many older ones are left out. */
export function newestSnapshots(snapshots: readonly Snapshot[], max: number): { shown: Snapshot[]; hidden: number } {
  const sorted = sortSnapshots(snapshots);
  const shown = sorted.slice(Math.max(0, sorted.length - max));
  return { shown, hidden: sorted.length - shown.length };
}

export interface TimeRange {
  start: number;
  end: number;
}

/** A range holding every time and `now`, at least `minSpan` long (ending at the newest). */
export function fitRange(times: readonly number[], now: number, minSpan = 60_000): TimeRange {
  let start = now;
  let end = now;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  if (end - start < minSpan) start = end - minSpan;
  return { start, end };
}

/** Pads a range by a fraction of its span on both sides, so edge markers are not cut in half. */
export function padRange(range: TimeRange, fraction: number): TimeRange {
  const pad = (range.end - range.start) * fraction;
  return { start: range.start - pad, end: range.end + pad };
}

/** x of `time` on an axis `width` wide, with `inset` pixels kept free at both ends. */
export function timeToX(time: number, range: TimeRange, width: number, inset = 0): number {
  const span = Math.max(1, range.end - range.start);
  return inset + ((time - range.start) / span) * Math.max(0, width - 2 * inset);
}

export function xToTime(x: number, range: TimeRange, width: number, inset = 0): number {
  const usable = Math.max(1, width - 2 * inset);
  return range.start + ((x - inset) / usable) * (range.end - range.start);
}

/**
 * Moves sorted positions apart so neighbours are at least `gap` apart, keeping their order and
 * staying within [lo, hi]; when they cannot all fit, they share the room evenly.
 */
export function spreadPositions(xs: readonly number[], gap: number, lo: number, hi: number): number[] {
  const n = xs.length;
  if (n === 0) return [];
  if (n > 1 && (n - 1) * gap > hi - lo) return xs.map((_, i) => lo + ((hi - lo) * i) / (n - 1));
  const out = xs.map((x) => Math.min(hi, Math.max(lo, x)));
  for (let i = 1; i < n; i++) out[i] = Math.max(out[i]!, out[i - 1]! + gap);
  if (out[n - 1]! > hi) {
    out[n - 1] = hi;
    for (let i = n - 2; i >= 0; i--) out[i] = Math.min(out[i]!, out[i + 1]! - gap);
  }
  return out;
}

/**
 * Stacks sorted positions into lanes: each goes into the lowest lane whose last item is at
 * least `gap` to its left. Returns the lane of each.
 */
export function assignLanes(xs: readonly number[], gap: number): number[] {
  const laneEnds: number[] = [];
  return xs.map((x) => {
    let lane = laneEnds.findIndex((end) => x - end >= gap);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = x;
    return lane;
  });
}

export type Row = 'main' | 'branch';

export interface PlacedEvent {
  event: TimelineEvent;
  x: number;
  row: Row;
  lane: number;
}

export interface TimelineLink {
  kind: 'restore' | 'clone';
  from: PlacedEvent;
  to: PlacedEvent;
}

export interface TimelineLayout {
  items: PlacedEvent[];
  links: TimelineLink[];
  /** Lanes used in each row (at least 1). */
  lanes: Record<Row, number>;
  /** Events outside the range. */
  hidden: number;
}

export interface LayoutOptions {
  inset?: number;
  /** Least distance between two markers in one lane. */
  gap?: number;
  /** How far right of its safety snapshot a restore marker sits (default: `gap`, so they share a lane). */
  restoreOffset?: number;
}

/**
 * Places events on an axis: snapshots, restores, creation and alerts on the main row (stacked in
 * lanes where they would overlap), clone branches on a row below, each under its snapshot.
 * Links join a restore to the snapshot it went to, and a branch to the snapshot it came from.
 */
export function layoutTimeline(
  events: readonly TimelineEvent[],
  range: TimeRange,
  width: number,
  { inset = 12, gap = 14, restoreOffset = gap }: LayoutOptions = {},
): TimelineLayout {
  const visible = events.filter((e) => e.time >= range.start && e.time <= range.end);
  const positioned = visible.map((event) => {
    const x = timeToX(event.time, range, width, inset) + (event.type === 'restore' ? restoreOffset : 0);
    const row: Row = event.type === 'clone' ? 'branch' : 'main';
    return { event, x: Math.min(width - inset, x), row };
  });
  const items: PlacedEvent[] = [];
  const lanes: Record<Row, number> = { main: 1, branch: 1 };
  for (const row of ['main', 'branch'] as const) {
    const inRow = positioned.filter((p) => p.row === row).sort((a, b) => a.x - b.x || compareEvents(a.event, b.event));
    const laneOf = assignLanes(
      inRow.map((p) => p.x),
      gap,
    );
    inRow.forEach((p, i) => items.push({ ...p, lane: laneOf[i] ?? 0 }));
    lanes[row] = Math.max(1, ...laneOf.map((l) => l + 1));
  }
  const snapshotItem = new Map<string, PlacedEvent>();
  for (const item of items) if (item.event.type === 'snapshot') snapshotItem.set(item.event.snapshot.name, item);
  const links: TimelineLink[] = [];
  for (const item of items) {
    const e = item.event;
    if (e.type === 'restore') {
      const to = snapshotItem.get(e.target);
      if (to) links.push({ kind: 'restore', from: item, to });
    } else if (e.type === 'clone' && e.snapshot !== null) {
      const from = snapshotItem.get(e.snapshot);
      if (from) links.push({ kind: 'clone', from, to: item });
    }
  }
  return { items, links, lanes, hidden: events.length - visible.length };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];

/**
 * Round times to label an axis: the smallest step leaving at least `minSpacing` pixels
 * between ticks, aligned to local time (`tzOffsetMinutes` as Date#getTimezoneOffset gives it).
 */
export function timeTicks(
  range: TimeRange,
  width: number,
  minSpacing = 90,
  tzOffsetMinutes = new Date(range.start).getTimezoneOffset(),
): { step: number; ticks: number[] } {
  const span = Math.max(1, range.end - range.start);
  const step = TICK_STEPS.find((s) => (s / span) * width >= minSpacing) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const shift = -tzOffsetMinutes * MINUTE;
  const first = Math.ceil((range.start + shift) / step) * step - shift;
  const ticks: number[] = [];
  for (let t = first; t <= range.end && ticks.length < 500; t += step) ticks.push(t);
  return { step, ticks };
}

/** "14:30" for steps under a day, "29 Nov" otherwise. */
export function formatTick(time: number, step: number): string {
  const date = new Date(time);
  if (step < DAY) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}
