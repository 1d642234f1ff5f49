import { describe, expect, it } from 'vitest';
import { MAX_TERMINAL_INPUT_BYTES } from '../../../shared/api.js';
import { InputQueue, MAX_INPUT_BYTES, binaryStringToBytes, canSendInput, chunkBytes } from './input.js';

describe('chunkBytes', () => {
  it('matches the contract limit', () => {
    expect(MAX_INPUT_BYTES).toBe(MAX_TERMINAL_INPUT_BYTES);
  });

  it('keeps small input whole and drops empty input', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(chunkBytes(bytes)).toEqual([bytes]);
    expect(chunkBytes(new Uint8Array(0))).toEqual([]);
    expect(chunkBytes(new Uint8Array(MAX_INPUT_BYTES))).toHaveLength(1);
  });

  it('splits a large paste into pieces of at most 64 KiB that join back to the same bytes', () => {
    const paste = new TextEncoder().encode('héllo wörld ✓ '.repeat(20000));
    const chunks = chunkBytes(paste);
    expect(chunks.length).toBe(Math.ceil(paste.byteLength / MAX_INPUT_BYTES));
    expect(chunks.every((c) => c.byteLength > 0 && c.byteLength <= MAX_INPUT_BYTES)).toBe(true);
    const joined = new Uint8Array(paste.byteLength);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.byteLength;
    }
    expect(joined.every((b, i) => b === paste[i])).toBe(true);
  });

  it('splits at any size asked', () => {
    expect(chunkBytes(new Uint8Array([1, 2, 3, 4, 5]), 2).map((c) => [...c])).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => chunkBytes(new Uint8Array(3), 0)).toThrow();
  });
});

describe('binaryStringToBytes', () => {
  it('keeps the low byte of each character', () => {
    expect([...binaryStringToBytes('\x1b[M \x80\xff')]).toEqual([0x1b, 0x5b, 0x4d, 0x20, 0x80, 0xff]);
  });
});

describe('canSendInput', () => {
  it('only while open and the backend is reachable', () => {
    expect(canSendInput('open', 'connected')).toBe(true);
    expect(canSendInput('open', 'reconnecting')).toBe(false);
    expect(canSendInput('reconnecting', 'connected')).toBe(false);
    expect(canSendInput('connecting', 'connected')).toBe(false);
    expect(canSendInput('exited', 'connected')).toBe(false);
    expect(canSendInput(undefined, 'connected')).toBe(false);
  });
});

describe('InputQueue', () => {
  function harness(maxInFlight = 2) {
    const sent: number[][] = [];
    const answers: ((ok: boolean) => void)[] = [];
    const refused: [string, number][] = [];
    const queue = new InputQueue(
      (bytes) =>
        new Promise((resolve, reject) => {
          sent.push([...bytes]);
          answers.push((ok) => (ok ? resolve({}) : reject(new Error('refused'))));
        }),
      maxInFlight,
      (err, dropped) => refused.push([(err as Error).message, dropped]),
    );
    return { queue, sent, answers, refused };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('sends in order, at most maxInFlight unanswered', async () => {
    const { queue, sent, answers } = harness(2);
    queue.push(new Uint8Array([1]));
    queue.push(new Uint8Array([2]));
    queue.push(new Uint8Array([3]));
    expect(sent).toEqual([[1], [2]]);
    answers[0]?.(true);
    await tick();
    expect(sent).toEqual([[1], [2], [3]]);
  });

  it('clear drops what has not gone out', async () => {
    const { queue, sent, answers } = harness(1);
    queue.push(new Uint8Array([1]));
    queue.push(new Uint8Array([2]));
    queue.clear();
    answers[0]?.(true);
    await tick();
    expect(sent).toEqual([[1]]);
    queue.push(new Uint8Array([3]));
    expect(sent).toEqual([[1], [3]]);
  });

  it('a refused piece drops the rest of that input and says how much, once', async () => {
    const { queue, sent, answers, refused } = harness(1);
    queue.push(new Uint8Array([1]));
    queue.push(new Uint8Array([2, 3]));
    answers[0]?.(false);
    await tick();
    expect(sent).toEqual([[1]]);
    expect(queue.queued).toBe(0);
    expect(refused).toEqual([['refused', 3]]);
  });

  it('a paste of 1 MB goes out whole, in order, in contract-sized pieces', async () => {
    const got: number[] = [];
    const queue = new InputQueue(async (bytes) => {
      expect(bytes.byteLength).toBeLessThanOrEqual(MAX_INPUT_BYTES);
      got.push(...bytes.subarray(0, 1), bytes.byteLength);
    });
    const paste = new Uint8Array(1_000_000).map((_, i) => Math.floor(i / MAX_INPUT_BYTES));
    queue.push(paste);
    for (let i = 0; i < 40 && queue.queued; i++) await tick();
    const pieces = Math.ceil(1_000_000 / MAX_INPUT_BYTES);
    expect(got.filter((_, i) => i % 2 === 0)).toEqual([...Array(pieces).keys()]);
    expect(got.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });
});

describe('chunkBytes copies', () => {
  it('each piece owns exactly its bytes (IPC clones whole buffers)', () => {
    const chunks = chunkBytes(new Uint8Array(10), 4);
    expect(chunks.map((c) => c.buffer.byteLength)).toEqual([4, 4, 2]);
  });
});
