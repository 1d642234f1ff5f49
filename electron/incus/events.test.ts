import { describe, expect, it } from 'vitest';
import { EventStream, decodeEvent, decodeFrame, type IncusEvent } from './events.js';

/** Frames as Incus 6.0 sends them (trimmed). */
const LIFECYCLE = {
  type: 'lifecycle',
  timestamp: '2025-01-01T00:00:00Z',
  project: 'enclave',
  location: 'none',
  metadata: {
    action: 'instance-renamed',
    source: '/1.0/instances/b?project=enclave',
    context: { old_name: 'a' },
    requestor: { username: 'root', protocol: 'unix', address: '@' },
  },
};
const OPERATION = {
  type: 'operation',
  timestamp: '2025-01-01T00:00:00Z',
  project: 'enclave',
  metadata: {
    id: '1f0c',
    class: 'task',
    description: 'Creating instance',
    status: 'Running',
    may_cancel: false,
    metadata: { create_instance_from_image_unpack_progress: 'Unpack: 50%' },
    err: '',
  },
};

function decoded(raw: unknown): IncusEvent {
  const d = decodeEvent(raw);
  if (!d.ok) throw new Error(`expected a valid event, got: ${d.reason}`);
  return d.event;
}

function reason(raw: unknown): string {
  const d = decodeEvent(raw);
  if (d.ok) throw new Error('expected a malformed event');
  return d.reason;
}

describe('decodeEvent', () => {
  it('types a lifecycle event with its action, source, context and requestor', () => {
    expect(decoded(LIFECYCLE)).toEqual({
      type: 'lifecycle',
      timestamp: '2025-01-01T00:00:00Z',
      project: 'enclave',
      location: 'none',
      metadata: { action: 'instance-renamed', source: '/1.0/instances/b?project=enclave', context: { old_name: 'a' }, requestor: { username: 'root', protocol: 'unix', address: '@' } },
    });
  });

  it('gives absent lifecycle fields their empty value: no source, no context, no requestor (the scheduler)', () => {
    expect(decoded({ type: 'lifecycle', metadata: { action: 'instance-snapshot-created', requestor: null } })).toEqual({
      type: 'lifecycle',
      timestamp: '',
      metadata: { action: 'instance-snapshot-created', source: '', context: {}, requestor: null },
    });
    const empty = decoded({ type: 'lifecycle', metadata: { action: 'instance-started', requestor: { username: '', protocol: '' } } });
    expect(empty.metadata).toMatchObject({ requestor: {} });
  });

  it('types an operation event with its id, status and progress metadata', () => {
    expect(decoded(OPERATION)).toEqual({
      type: 'operation',
      timestamp: '2025-01-01T00:00:00Z',
      project: 'enclave',
      metadata: { id: '1f0c', status: 'Running', description: 'Creating instance', may_cancel: false, metadata: { create_instance_from_image_unpack_progress: 'Unpack: 50%' }, err: '' },
    });
    expect(decoded({ type: 'operation', metadata: { id: 'x', metadata: null } }).metadata).toEqual({ id: 'x', status: '', description: '', may_cancel: false, metadata: null, err: '' });
  });

  it('keeps any other type as it came, under its own kind', () => {
    expect(decoded({ type: 'logging', timestamp: 't', metadata: { message: 'hi', level: 'info' } })).toEqual({ type: 'other', kind: 'logging', timestamp: 't', metadata: { message: 'hi', level: 'info' } });
  });

  it('refuses malformed events, saying why', () => {
    expect(reason(null)).toBe('not a JSON object');
    expect(reason([LIFECYCLE])).toBe('not a JSON object');
    expect(reason({ metadata: {} })).toBe('no type');
    expect(reason({ type: 'lifecycle' })).toBe('lifecycle event without metadata');
    expect(reason({ type: 'lifecycle', metadata: [] })).toBe('lifecycle event without metadata');
    expect(reason({ type: 'lifecycle', metadata: { source: '/1.0/instances/a' } })).toBe('a lifecycle event without an action');
    expect(reason({ type: 'lifecycle', metadata: { action: 42 } })).toBe('a lifecycle event without an action');
    expect(reason({ type: 'lifecycle', metadata: { action: 'instance-started', source: 7 } })).toMatch(/source is not a string/);
    expect(reason({ type: 'lifecycle', metadata: { action: 'instance-renamed', context: 'a' } })).toMatch(/context is not an object/);
    expect(reason({ type: 'lifecycle', metadata: { action: 'instance-started', requestor: 'root' } })).toMatch(/requestor is malformed/);
    expect(reason({ type: 'lifecycle', metadata: { action: 'instance-started', requestor: { username: 0 } } })).toMatch(/requestor is malformed/);
    expect(reason({ type: 'operation', metadata: { status: 'Running' } })).toBe('an operation event without an id');
    expect(reason({ type: 'operation', metadata: { id: 'x', may_cancel: 'yes' } })).toMatch(/wrong type/);
    expect(reason({ type: 'operation', metadata: { id: 'x', metadata: 'Unpack: 50%' } })).toMatch(/wrong type/);
  });

  it('parses frames, refusing what is not JSON', () => {
    expect(decodeFrame(JSON.stringify(OPERATION))).toMatchObject({ ok: true, event: { type: 'operation' } });
    expect(decodeFrame('{"type":')).toEqual({ ok: false, reason: 'not JSON (8 bytes)' });
  });
});

describe('EventStream frames', () => {
  it('emits decoded events and drops malformed ones, counted, warning at the first and each power of ten', () => {
    const warnings: string[] = [];
    const stream = new EventStream({} as never, undefined, undefined, (m) => warnings.push(m));
    const seen: IncusEvent[] = [];
    stream.on('event', (e) => seen.push(e));
    stream.onFrame(JSON.stringify(LIFECYCLE));
    for (let i = 0; i < 12; i++) stream.onFrame(i % 2 ? 'not json' : JSON.stringify({ type: 'operation', metadata: {} }));
    stream.onFrame(JSON.stringify(OPERATION));
    expect(seen.map((e) => e.type)).toEqual(['lifecycle', 'operation']);
    expect(stream.dropped).toBe(12);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/an operation event without an id.*1 so far/);
    expect(warnings[1]).toMatch(/10 so far/);
  });
});
