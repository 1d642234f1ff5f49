import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type ClientFrame, type ServerFrame } from './wire.js';

/** A binary frame by hand: [u32 BE header length][header][bytes]. */
function rawFrame(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0), claimedLength?: number): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(4 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setUint32(0, claimedLength ?? h.byteLength);
  out.set(h, 4);
  out.set(data, 4 + h.byteLength);
  return out;
}

describe('wire: text frames', () => {
  it('a frame without bytes is JSON text and round-trips', () => {
    const frames: (ClientFrame | ServerFrame)[] = [
      { t: 'call', id: 1, method: 'agents.list', args: {} },
      { t: 'reply', id: 1, reply: { ok: true, result: [{ name: 'a' }] } },
      { t: 'reply', id: 2, reply: { ok: false, error: { code: 'not-found', message: 'gone' } } },
      { t: 'event', event: 'terminals.changed', payload: { kind: 'removed', id: 'x' } },
      // A data field that is not bytes stays text.
      { t: 'event', event: 'x', payload: { id: 'x', data: 'text' } },
      { t: 'call', id: 3, method: 'm', args: { data: [1, 2, 3] } },
    ];
    for (const frame of frames) {
      const encoded = encodeFrame(frame);
      expect(typeof encoded).toBe('string');
      expect(decodeFrame(encoded)).toEqual(frame);
    }
  });

  it('a reply carries no bytes, even if its result has a data field', () => {
    const frame: ServerFrame = { t: 'reply', id: 4, reply: { ok: true, result: { data: new Uint8Array([1]) } } };
    expect(typeof encodeFrame(frame)).toBe('string');
  });

  it('malformed text throws', () => {
    expect(() => decodeFrame('{"t":')).toThrow();
  });
});

describe('wire: binary frames', () => {
  it('a call whose args hold bytes in data becomes one binary frame, header in big-endian', () => {
    const data = new Uint8Array([0, 1, 2, 255]);
    const frame: ClientFrame = { t: 'call', id: 7, method: 'terminals.input', args: { id: 't1', data } };
    const encoded = encodeFrame(frame);
    expect(encoded).toBeInstanceOf(Uint8Array);
    const bytes = encoded as Uint8Array;
    const headerLength = (bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
    expect(header).toEqual({ t: 'call', id: 7, method: 'terminals.input', args: { id: 't1', data: null } });
    expect([...bytes.subarray(4 + headerLength)]).toEqual([0, 1, 2, 255]);
    // The caller's object is untouched.
    expect(frame.args).toEqual({ id: 't1', data });
  });

  it('round-trips random bytes, zero bytes and invalid UTF-8 exactly', () => {
    const samples = [
      new Uint8Array(0),
      new Uint8Array([0]),
      new Uint8Array(1000), // all zero
      new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf8]),
      Uint8Array.from({ length: 256 }, (_, i) => i),
      new Uint8Array(randomBytes(70_000)),
    ];
    for (const data of samples) {
      const event: ServerFrame = { t: 'event', event: 'terminals.data', payload: { id: 'abc', data } };
      const back = decodeFrame(encodeFrame(event)) as { t: string; event: string; payload: { id: string; data: Uint8Array } };
      expect(back.t).toBe('event');
      expect(back.event).toBe('terminals.data');
      expect(back.payload.id).toBe('abc');
      expect(back.payload.data).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back.payload.data).equals(Buffer.from(data))).toBe(true);

      const call: ClientFrame = { t: 'call', id: 9, method: 'terminals.input', args: { id: 'abc', data } };
      const got = decodeFrame(encodeFrame(call)) as ClientFrame & { args: { data: Uint8Array } };
      expect(Buffer.from(got.args.data).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('keeps bytes from a Buffer view with an offset into a larger allocation', () => {
    const backing = Buffer.from([9, 9, 9, 1, 2, 3, 9, 9]);
    const data = backing.subarray(3, 6);
    const encoded = encodeFrame({ t: 'event', event: 'terminals.data', payload: { id: 'x', data } }) as Uint8Array;
    // And decodes from a view with an offset, as a WebSocket library may hand it over.
    const padded = new Uint8Array(encoded.byteLength + 5);
    padded.set(encoded, 5);
    const back = decodeFrame(padded.subarray(5)) as { payload: { data: Uint8Array } };
    expect([...back.payload.data]).toEqual([1, 2, 3]);
  });

  it('keeps other fields of the payload beside the bytes', () => {
    const frame: ClientFrame = { t: 'call', id: 1, method: 'm', args: { id: 'x', extra: { n: 1 }, data: new Uint8Array([5]) } };
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('throws when the header length overruns the frame', () => {
    const good = rawFrame('{"t":"event","event":"e","payload":{"data":null}}', new Uint8Array([1]));
    expect(() => decodeFrame(good)).not.toThrow();
    const header = '{"t":"event","event":"e","payload":{"data":null}}';
    expect(() => decodeFrame(rawFrame(header, new Uint8Array(0), header.length + 1))).toThrow(/overruns/);
    expect(() => decodeFrame(rawFrame(header, new Uint8Array(0), 0xffffffff))).toThrow(/overruns/);
  });

  it('throws on a frame too short to hold its header length', () => {
    expect(() => decodeFrame(new Uint8Array([0, 0, 1]))).toThrow(/shorter/);
    expect(() => decodeFrame(new Uint8Array(0))).toThrow(/shorter/);
  });

  it('throws on a binary frame whose header has no data field', () => {
    expect(() => decodeFrame(rawFrame('{"t":"event","event":"e","payload":{"id":"x"}}', new Uint8Array([1])))).toThrow(/data field/);
    expect(() => decodeFrame(rawFrame('{"t":"call","id":1,"method":"m","args":{}}', new Uint8Array([1])))).toThrow(/data field/);
    expect(() => decodeFrame(rawFrame('{"t":"call","id":1,"method":"m","args":null}'))).toThrow(/data field/);
    expect(() => decodeFrame(rawFrame('{"t":"reply","id":1,"reply":{"ok":true,"result":{"data":null}}}'))).toThrow(/data field/);
  });

  it('throws on a header that is not JSON', () => {
    expect(() => decodeFrame(rawFrame('not json', new Uint8Array([1])))).toThrow();
    expect(() => decodeFrame(rawFrame(new Uint8Array([0xff, 0xfe])))).toThrow();
  });
});
