import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../../shared/wire.js';
import { encodeCall, messageBytes, parseServerFrame } from './frames.js';

describe('frames', () => {
  it('encodes a call without bytes as JSON text', () => {
    const frame = encodeCall(7, 'agents.list', {});
    expect(typeof frame).toBe('string');
    expect(JSON.parse(frame as string)).toEqual({ t: 'call', id: 7, method: 'agents.list', args: {} });
  });

  it('encodes a call carrying bytes as one binary frame the server decodes back to the same bytes', () => {
    const data = new Uint8Array([0, 1, 2, 0xff, 0x1b, 0x5b]);
    const frame = encodeCall(9, 'terminals.input', { id: 't-1', data });
    expect(frame).toBeInstanceOf(Uint8Array);
    const decoded = decodeFrame(frame) as { t: string; id: number; method: string; args: { id: string; data: Uint8Array } };
    expect(decoded).toMatchObject({ t: 'call', id: 9, method: 'terminals.input', args: { id: 't-1' } });
    expect([...decoded.args.data]).toEqual([...data]);
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

  it('parses a binary event frame, keeping its output as bytes (invalid UTF-8 included)', () => {
    const bytes = new Uint8Array([0xc3, 0x28, 0xe2, 0x82, 0x0a, 0x00]);
    const raw = encodeFrame({ t: 'event', event: 'terminals.data', payload: { id: 'abc', data: bytes } });
    expect(raw).toBeInstanceOf(Uint8Array);
    // As the browser delivers it with binaryType 'arraybuffer': a fresh ArrayBuffer.
    const buffer = (raw as Uint8Array).slice().buffer;
    const frame = parseServerFrame(messageBytes(buffer) as Uint8Array);
    expect(frame?.t).toBe('event');
    const payload = (frame as { payload: { id: string; data: unknown } }).payload;
    expect(payload.id).toBe('abc');
    expect(payload.data).toBeInstanceOf(Uint8Array);
    expect([...(payload.data as Uint8Array)]).toEqual([...bytes]);
  });

  it('messageBytes accepts text, ArrayBuffer and views, and nothing else', () => {
    expect(messageBytes('x')).toBe('x');
    expect(messageBytes(new Uint8Array([1, 2]).buffer)).toEqual(new Uint8Array([1, 2]));
    expect(messageBytes(new Uint8Array([5, 6, 7]).subarray(1))).toEqual(new Uint8Array([6, 7]));
    expect(messageBytes({})).toBeNull();
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

  it.each([
    ['too short', new Uint8Array([0, 0])],
    ['header overruns', new Uint8Array([0, 0, 0, 50, 123])],
    ['header not JSON', new Uint8Array([0, 0, 0, 1, 0x7b])],
    ['no data field', (() => {
      const header = new TextEncoder().encode('{"t":"event","event":"x","payload":{}}');
      const out = new Uint8Array(4 + header.length + 2);
      new DataView(out.buffer).setUint32(0, header.length);
      out.set(header, 4);
      return out;
    })()],
  ])('rejects a binary frame: %s', (_name, raw) => {
    expect(parseServerFrame(raw)).toBeNull();
  });
});
