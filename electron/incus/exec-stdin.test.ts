import type WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { sendStdin } from './exec-stdin.js';

/** A stdin socket whose writes complete only when the test says so. */
function fakeSocket() {
  const frames: { data: Buffer | string; binary: boolean }[] = [];
  const pending: ((err?: Error) => void)[] = [];
  const ws = {
    send(data: Buffer | string, opts: { binary: boolean }, cb?: (err?: Error) => void) {
      frames.push({ data, binary: opts.binary });
      if (cb) pending.push(cb);
    },
  };
  return { ws: ws as unknown as WebSocket, frames, pending, flush: (err?: Error) => pending.splice(0).forEach((cb) => cb(err)) };
}

const never = new Promise<never>(() => undefined);
const MiB = 1024 * 1024;

describe('sendStdin', () => {
  it('sends every byte in frames of at most 1 MiB, then EOF', async () => {
    const s = fakeSocket();
    async function* source() {
      yield Buffer.alloc(2.5 * MiB, 1);
      yield Buffer.from('tail');
    }
    const done = sendStdin(s.ws, source(), never);
    await new Promise((r) => setTimeout(r, 10));
    s.flush();
    await done;
    const binary = s.frames.filter((f) => f.binary);
    expect(binary.map((f) => f.data.length)).toEqual([MiB, MiB, 0.5 * MiB, 4]);
    expect(s.frames.at(-1)).toEqual({ data: '', binary: false });
  });

  it('stops reading the source while more than 8 MiB wait to be written', async () => {
    const s = fakeSocket();
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        produced += MiB;
        yield Buffer.alloc(MiB);
      }
    }
    const done = sendStdin(s.ws, source(), never);
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBe(9 * MiB);
    while (s.pending.length) {
      s.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
    await done;
    expect(produced).toBe(20 * MiB);
  });

  it('fails when a write fails (the command ended early) or the source fails', async () => {
    const s = fakeSocket();
    async function* source() {
      for (;;) yield Buffer.alloc(MiB);
    }
    const done = sendStdin(s.ws, source(), never);
    await new Promise((r) => setTimeout(r, 10));
    s.flush(new Error('EPIPE'));
    await expect(done).rejects.toThrow('EPIPE');

    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(10);
      throw new Error('tar died');
    }
    await expect(sendStdin(fakeSocket().ws, broken(), never)).rejects.toThrow('tar died');
  });

  it('gives up waiting when the exec crosses a bound', async () => {
    const s = fakeSocket();
    async function* source() {
      for (;;) yield Buffer.alloc(MiB);
    }
    let stop: (e: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, r) => (stop = r));
    const done = sendStdin(s.ws, source(), stopped);
    stop(new Error('exec timeout'));
    await expect(done).rejects.toThrow('exec timeout');
  });
});
