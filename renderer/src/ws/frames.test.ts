import { describe, expect, it } from 'vitest';
import { encodeCall, parseServerFrame } from './frames.js';

describe('frames', () => {
  it('encodes a call', () => {
    expect(JSON.parse(encodeCall(7, 'agents.list', {}))).toEqual({ t: 'call', id: 7, method: 'agents.list', args: {} });
  });

  it('parses replies and events', () => {
    expect(parseServerFrame('{"t":"reply","id":1,"reply":{"ok":true,"result":[1]}}')).toEqual({
      t: 'reply',
      id: 1,
      reply: { ok: true, result: [1] },
    });
    expect(parseServerFrame('{"t":"reply","id":2,"reply":{"ok":true}}')).toEqual({
      t: 'reply',
      id: 2,
      reply: { ok: true, result: undefined },
    });
    expect(parseServerFrame('{"t":"reply","id":3,"reply":{"ok":false,"error":{"code":"busy","message":"m"}}}')).toEqual(
      { t: 'reply', id: 3, reply: { ok: false, error: { code: 'busy', message: 'm' } } },
    );
    expect(parseServerFrame('{"t":"event","event":"agents.changed","payload":{"kind":"removed","name":"a"}}')).toEqual({
      t: 'event',
      event: 'agents.changed',
      payload: { kind: 'removed', name: 'a' },
    });
  });

  it.each([
    'not json',
    '[]',
    '{"t":"reply","id":"1","reply":{"ok":true}}',
    '{"t":"reply","id":1.5,"reply":{"ok":true}}',
    '{"t":"reply","id":1,"reply":{"ok":false,"error":"bad"}}',
    '{"t":"event","payload":{}}',
    '{"t":"call","id":1}',
  ])('rejects %s', (text) => {
    expect(parseServerFrame(text)).toBeNull();
  });
});
