import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/types.js';
import {
  assignLanes,
  deriveTimeline,
  fitRange,
  layoutTimeline,
  markerKind,
  newestSnapshots,
  spreadPositions,
  timeTicks,
  timeToX,
  xToTime,
} from './timeline.js';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const min = (n: number) => new Date(T0 + n * 60_000).toISOString();

function snap(name: string, at: number, kind: Snapshot['kind'] = 'manual', comment = '', restoredTo: string | null = null): Snapshot {
  return { agent: 'web', name, kind, createdAt: min(at), expiresAt: null, comment, sizeBytes: null, restoredTo };
}

const web = { name: 'web', createdAt: min(0), clonedFrom: null };
const from = (agent: string, snapshot: string | null = null) => ({ agent, snapshot });

describe('deriveTimeline', () => {
  const snapshots = [
    snap('snap-1', 10),
    snap('auto-1', 20, 'scheduled'),
    snap('safety-1', 30, 'safety', 'Safety snapshot before restoring to snap-1', 'snap-1'),
  ];

  it('has creation, snapshots and a restore right after its safety snapshot, oldest first', () => {
    const events = deriveTimeline({ agent: web, snapshots, agents: [web] });
    expect(events.map((e) => e.key)).toEqual(['created', 'snapshot:snap-1', 'snapshot:auto-1', 'snapshot:safety-1', 'restore:safety-1']);
    const restore = events.find((e) => e.type === 'restore');
    expect(restore).toMatchObject({ safety: 'safety-1', target: 'snap-1', time: Date.parse(min(30)) });
    expect(events.map(markerKind)).toEqual(['created', 'manual', 'scheduled', 'safety', 'restore']);
  });

  it('takes a restore from restoredTo alone: the comment says what the user wants', () => {
    const edited = [snap('snap-1', 10), snap('safety-1', 30, 'safety', 'before the big refactor', 'snap-1')];
    expect(deriveTimeline({ agent: web, snapshots: edited, agents: [web] }).find((e) => e.type === 'restore')).toMatchObject({ safety: 'safety-1', target: 'snap-1' });
    // The old wording in a comment is no restore.
    const worded = [snap('snap-1', 10), snap('safety-1', 30, 'safety', 'Safety snapshot before restoring to snap-1')];
    expect(deriveTimeline({ agent: web, snapshots: worded, agents: [web] }).some((e) => e.type === 'restore')).toBe(false);
  });

  it('branches clones at their snapshot, or at their creation for live clones', () => {
    const agents = [
      web,
      { name: 'web-snap-1', createdAt: min(50), clonedFrom: from('web', 'snap-1') },
      { name: 'web-clone', createdAt: min(60), clonedFrom: from('web') },
      { name: 'other', createdAt: min(5), clonedFrom: from('webby', 'snap-1') },
      { name: 'gone-snap', createdAt: min(70), clonedFrom: from('web', 'deleted') },
    ];
    const clones = deriveTimeline({ agent: web, snapshots, agents }).filter((e) => e.type === 'clone');
    expect(clones).toEqual([
      expect.objectContaining({ clone: 'web-snap-1', snapshot: 'snap-1', time: Date.parse(min(10)), clonedAt: Date.parse(min(50)) }),
      expect.objectContaining({ clone: 'web-clone', snapshot: null, time: Date.parse(min(60)) }),
      // Its snapshot is gone: placed when it was made.
      expect.objectContaining({ clone: 'gone-snap', snapshot: 'deleted', time: Date.parse(min(70)) }),
    ]);
  });

  it('places extra events (guard alerts) among the rest', () => {
    const alert = { type: 'alert' as const, key: 'alert:1', time: Date.parse(min(15)), title: 'CPU', detail: '100% for 5 min' };
    const events = deriveTimeline({ agent: web, snapshots, agents: [web], extra: [alert] });
    expect(events[2]).toBe(alert);
  });
});

describe('axis math', () => {
  it('maps time to x and back, with insets', () => {
    const range = { start: 1000, end: 2000 };
    expect(timeToX(1000, range, 220, 10)).toBe(10);
    expect(timeToX(2000, range, 220, 10)).toBe(210);
    expect(timeToX(1500, range, 220, 10)).toBe(110);
    expect(xToTime(110, range, 220, 10)).toBe(1500);
  });

  it('fits every time and now, with a minimum span ending at the newest', () => {
    expect(fitRange([100_000, 50_000], 200_000)).toEqual({ start: 50_000, end: 200_000 });
    expect(fitRange([], 200_000, 60_000)).toEqual({ start: 140_000, end: 200_000 });
    // A clock behind the newest snapshot: the axis still reaches it.
    expect(fitRange([250_000], 200_000, 10_000)).toEqual({ start: 200_000, end: 250_000 });
  });

  it('spreads crowded markers apart, in order and inside the bounds', () => {
    expect(spreadPositions([100, 101, 102], 10, 0, 300)).toEqual([100, 110, 120]);
    expect(spreadPositions([295, 298, 300], 10, 0, 300)).toEqual([280, 290, 300]);
    expect(spreadPositions([10, 200], 10, 0, 300)).toEqual([10, 200]);
    // No room for the gap: they share what there is.
    expect(spreadPositions([0, 0, 0, 0, 0], 10, 0, 20)).toEqual([0, 5, 10, 15, 20]);
    expect(spreadPositions([], 10, 0, 20)).toEqual([]);
  });

  it('stacks overlapping markers into lanes', () => {
    expect(assignLanes([0, 5, 8, 30, 33, 60], 10)).toEqual([0, 1, 2, 0, 1, 0]);
  });

  it('labels the axis with round local times at a readable spacing', () => {
    const range = { start: Date.parse('2026-11-29T10:07:00Z'), end: Date.parse('2026-11-29T16:07:00Z') };
    const { step, ticks } = timeTicks(range, 600, 90, 0);
    expect(step).toBe(3_600_000);
    expect(ticks[0]).toBe(Date.parse('2026-11-29T11:00:00Z'));
    expect(ticks).toHaveLength(6);
    // In a zone 30 min off UTC, ticks sit on that zone's round hours.
    expect(timeTicks(range, 600, 90, -30).ticks[0]).toBe(Date.parse('2026-11-29T10:30:00Z'));
  });
});

describe('layoutTimeline', () => {
  const snapshots = [
    snap('snap-1', 10),
    snap('snap-2', 11),
    snap('safety-1', 40, 'safety', 'Safety snapshot before restoring to snap-1', 'snap-1'),
  ];
  const agents = [web, { name: 'fork', createdAt: min(50), clonedFrom: from('web', 'snap-2') }];
  const events = deriveTimeline({ agent: web, snapshots, agents });
  const range = { start: Date.parse(min(0)), end: Date.parse(min(60)) };

  it('puts close snapshots in separate lanes and a restore beside its safety snapshot', () => {
    const layout = layoutTimeline(events, range, 612, { inset: 6, gap: 14 });
    const at = (key: string) => layout.items.find((i) => i.event.key === key)!;
    expect(at('snapshot:snap-1').x).toBeCloseTo(106);
    expect(at('snapshot:snap-2').lane).toBe(1); // 10 px from snap-1
    expect(at('restore:safety-1').x).toBeCloseTo(at('snapshot:safety-1').x + 14);
    expect(at('restore:safety-1').lane).toBe(0);
    expect(at('clone:fork').row).toBe('branch');
    expect(layout.lanes).toEqual({ main: 2, branch: 1 });
  });

  it('links a restore to its target and a branch to its snapshot', () => {
    const layout = layoutTimeline(events, range, 612);
    expect(layout.links.map((l) => [l.kind, l.from.event.key, l.to.event.key])).toEqual([
      ['restore', 'restore:safety-1', 'snapshot:snap-1'],
      ['clone', 'snapshot:snap-2', 'clone:fork'],
    ]);
  });

  it('counts what a zoomed range leaves out, and drops links to it', () => {
    const layout = layoutTimeline(events, { start: Date.parse(min(30)), end: Date.parse(min(60)) }, 612);
    expect(layout.hidden).toBe(4); // created, snap-1, snap-2, clone anchored at snap-2
    expect(layout.links).toEqual([]);
  });
});

describe('newestSnapshots', () => {
  it('keeps the newest few, oldest first, and counts the rest', () => {
    const list = [snap('c', 3), snap('a', 1), snap('d', 4), snap('b', 2)];
    const { shown, hidden } = newestSnapshots(list, 2);
    expect(shown.map((s) => s.name)).toEqual(['c', 'd']);
    expect(hidden).toBe(2);
  });
});
