import { describe, expect, it } from 'vitest';
import type { InstanceSnapshot } from '../incus/snapshots.js';
import {
  RESTORING_TO_KEY,
  SAFETY_PREFIX,
  SCHEDULED_PATTERN,
  compareTimes,
  decodeComment,
  encodeComment,
  scheduleConfig, snapshotKind, timestampName, toSnapshot } from './snapshot-model.js';

function snap(over: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return {
    name: 'before-refactor',
    created_at: '2026-11-29T05:14:45.649115825Z',
    expires_at: '0001-01-01T00:00:00Z',
    stateful: false,
    size: -1,
    ...over,
  };
}

describe('snapshotKind', () => {
  it.each([
    ['safety-20261129-051500', 'safety'],
    ['safety-20261129-051500-2', 'safety'],
    ['auto-0', 'scheduled'],
    ['auto-17', 'scheduled'],
    ['snap-20261129-051500', 'manual'],
    ['before-refactor', 'manual'],
    // Only the prefix counts, and it is case-sensitive, as Enclave writes it.
    ['my-safety-net', 'manual'],
    ['Safety-1', 'manual'],
    ['autopilot', 'manual'],
    ['safety', 'manual'],
  ])('%s is %s', (name, kind) => {
    expect(snapshotKind(name)).toBe(kind);
  });

  it('recognises the names Enclave makes for safety and scheduled snapshots', () => {
    expect(snapshotKind(timestampName(SAFETY_PREFIX, new Date(), []))).toBe('safety');
    expect(snapshotKind(SCHEDULED_PATTERN.replace('%d', '3'))).toBe('scheduled');
  });
});

describe('toSnapshot', () => {
  it('maps the fields and the kind', () => {
    expect(toSnapshot('coder', snap({ name: 'safety-20261129-051500', size: 4096 }), 'a comment')).toEqual({
      agent: 'coder',
      name: 'safety-20261129-051500',
      kind: 'safety',
      createdAt: '2026-11-29T05:14:45.649115825Z',
      expiresAt: null,
      comment: 'a comment',
      sizeBytes: 4096,
      restoredTo: null,
    });
  });

  it("reads a safety snapshot's restore target from its own config, never from its comment", () => {
    const config = { [RESTORING_TO_KEY]: 'snap-1', 'limits.cpu': '2' };
    expect(toSnapshot('a', snap({ name: 'safety-1', config }), 'whatever the user wrote').restoredTo).toBe('snap-1');
    expect(toSnapshot('a', snap({ name: 'safety-1' }), 'Safety snapshot before restoring to snap-1').restoredTo).toBeNull();
    expect(toSnapshot('a', snap({ name: 'safety-1', config: { [RESTORING_TO_KEY]: '' } }), '').restoredTo).toBeNull();
    // A copy of the key another kind inherited (taken right after an undo) is no restore.
    expect(toSnapshot('a', snap({ name: 'snap-2', config }), '').restoredTo).toBeNull();
    expect(toSnapshot('a', snap({ name: 'auto-3', config }), '').restoredTo).toBeNull();
  });

  it("reads Incus's zero time as no expiry", () => {
    expect(toSnapshot('a', snap({ expires_at: '0001-01-01T00:00:00Z' }), '').expiresAt).toBeNull();
    // However Incus spells the zero time.
    expect(toSnapshot('a', snap({ expires_at: '0001-01-01T00:00:00.000Z' }), '').expiresAt).toBeNull();
    expect(toSnapshot('a', snap({ expires_at: '' }), '').expiresAt).toBeNull();
  });

  it('keeps a real expiry as Incus wrote it', () => {
    const at = '2026-12-06T05:14:45.649115825Z';
    expect(toSnapshot('a', snap({ expires_at: at }), '').expiresAt).toBe(at);
  });

  it('reports an unknown size (-1, or missing) as null, and keeps 0', () => {
    expect(toSnapshot('a', snap({ size: -1 }), '').sizeBytes).toBeNull();
    expect(toSnapshot('a', snap({ size: undefined as unknown as number }), '').sizeBytes).toBeNull();
    expect(toSnapshot('a', snap({ size: 0 }), '').sizeBytes).toBe(0);
    expect(toSnapshot('a', snap({ size: 123_456_789 }), '').sizeBytes).toBe(123_456_789);
  });
});

describe('scheduleConfig', () => {
  it('sets schedule, expiry and the pattern scheduled snapshots are named by', () => {
    expect(scheduleConfig({ schedule: '@daily', expiry: '1w' })).toEqual({
      'snapshots.schedule': '@daily',
      'snapshots.expiry': '1w',
      'snapshots.pattern': SCHEDULED_PATTERN,
    });
  });

  it('trims, since Incus refuses a schedule with surrounding spaces', () => {
    expect(scheduleConfig({ schedule: '  0 */6 * * * ', expiry: ' 7d ' })).toMatchObject({
      'snapshots.schedule': '0 */6 * * *',
      'snapshots.expiry': '7d',
    });
  });

  it('writes empty values for "off" (Incus removes empty keys)', () => {
    expect(scheduleConfig({ schedule: '', expiry: '' })).toMatchObject({ 'snapshots.schedule': '', 'snapshots.expiry': '' });
  });

  it('names scheduled snapshots so snapshotKind calls them scheduled', () => {
    expect(SCHEDULED_PATTERN).toContain('%d');
    expect(snapshotKind(SCHEDULED_PATTERN.replace('%d', '0'))).toBe('scheduled');
  });
});

describe('timestampName', () => {
  const at = new Date(Date.UTC(2026, 10, 29, 5, 4, 3));

  it('stamps the UTC time, zero-padded', () => {
    expect(timestampName('snap-', at, [])).toBe('snap-20261129-050403');
    expect(timestampName('safety-', new Date(Date.UTC(2027, 0, 1, 0, 0, 0)), [])).toBe('safety-20270101-000000');
  });

  it('adds the first free counter when the name is taken', () => {
    expect(timestampName('snap-', at, ['snap-20261129-050403'])).toBe('snap-20261129-050403-2');
    expect(timestampName('snap-', at, ['snap-20261129-050403', 'snap-20261129-050403-2'])).toBe('snap-20261129-050403-3');
    // Names with another prefix do not matter.
    expect(timestampName('safety-', at, ['snap-20261129-050403'])).toBe('safety-20261129-050403');
  });

  it('stays unique over many names made in the same second', () => {
    const taken: string[] = [];
    for (let i = 0; i < 50; i++) taken.push(timestampName('snap-', at, taken));
    expect(new Set(taken).size).toBe(50);
  });

  it('accepts any iterable', () => {
    expect(timestampName('snap-', at, new Set(['snap-20261129-050403']))).toBe('snap-20261129-050403-2');
  });
});

describe('compareTimes', () => {
  it('orders within one second though Incus drops trailing zeros of the fraction', () => {
    // As strings, ".12Z" sorts after ".123Z" and "46Z" after "46.1Z".
    expect(compareTimes('2026-11-29T05:14:46.12Z', '2026-11-29T05:14:46.123Z')).toBeLessThan(0);
    expect(compareTimes('2026-11-29T05:14:46Z', '2026-11-29T05:14:46.1Z')).toBeLessThan(0);
    expect(compareTimes('2026-11-29T05:14:46.7Z', '2026-11-29T05:14:46.65Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-11-29T05:14:46.000000001Z', '2026-11-29T05:14:46.000000002Z')).toBeLessThan(0);
  });

  it('orders across seconds, days and zones', () => {
    expect(compareTimes('2026-11-29T05:14:45.999999999Z', '2026-11-29T05:14:46Z')).toBeLessThan(0);
    expect(compareTimes('2026-11-30T00:00:00Z', '2026-11-29T23:59:59.9Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-11-29T06:00:00.5+01:00', '2026-11-29T05:00:00.4Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-11-29T05:00:00.5Z', '2026-11-29T05:00:00.500Z')).toBe(0);
  });

  it('sorts a list the way the snapshots were taken', () => {
    const taken = ['2026-11-29T05:14:46Z', '2026-11-29T05:14:46.1Z', '2026-11-29T05:14:46.12Z', '2026-11-29T05:14:46.123Z', '2026-11-29T05:14:47.05Z'];
    expect([...taken].reverse().sort(compareTimes)).toEqual(taken);
  });
});

describe('comments tagged with their snapshot', () => {
  it('round-trips a comment under its own name, and writes nothing for none', () => {
    expect(decodeComment('snap-1', encodeComment('snap-1', 'before the refactor'))).toBe('before the refactor');
    expect(decodeComment('snap-1', encodeComment('snap-1', 'multi\nline [x] text'))).toBe('multi\nline [x] text');
    expect(encodeComment('snap-1', '')).toBe('');
  });

  it('drops a description inherited from another snapshot (Incus copies it on create and restore)', () => {
    expect(decodeComment('auto-3', encodeComment('with-file', 'precious state'))).toBe('');
  });

  it('shows a description set outside Enclave as it is', () => {
    expect(decodeComment('snap-1', 'set with the incus CLI')).toBe('set with the incus CLI');
  });
});
