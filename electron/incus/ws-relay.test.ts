import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { relay } from './ws-relay.js';

/** A websocket server on a unix socket standing in for one daemon's migration endpoint. */
class End {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Whether to accept the upgrade at once; else `accept()` does it. */
  hold = false;
  private pending: (() => void) | null = null;
  socket: Promise<WebSocket>;
  private resolve: (ws: WebSocket) => void = () => undefined;

  constructor(readonly path: string) {
    this.socket = new Promise((r) => (this.resolve = r));
    this.server = createServer();
    this.server.on('upgrade', (req, sock, head) => {
      const go = () => this.wss.handleUpgrade(req, sock, head, (ws) => this.resolve(ws));
      if (this.hold) this.pending = go;
      else go();
    });
  }

  listen(): Promise<void> {
    return new Promise((r) => this.server.listen(this.path, r));
  }

  accept(): void {
    this.pending?.();
  }

  client(): WebSocket {
    const ws = new WebSocket(`ws+unix://${this.path}:/`, { perMessageDeflate: false });
    ws.on('error', () => undefined);
    return ws;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise((r) => this.server.close(r));
  }
}

/** Resolves once `check` holds; polls every 10 ms, fails after `ms`. */
async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const closed = (ws: WebSocket) => new Promise<number>((r) => ws.once('close', (code: number) => r(code)));
const frames = (ws: WebSocket) => {
  const got: { data: Buffer; binary: boolean }[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => got.push({ data, binary }));
  return got;
};

describe('relay', () => {
  let dir: string;
  let a: End;
  let b: End;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-relay-'));
    a = new End(join(dir, 'a.socket'));
    b = new End(join(dir, 'b.socket'));
    await Promise.all([a.listen(), b.listen()]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('passes frames both ways in order, keeping their types (an empty text frame is the end-of-stream barrier)', async () => {
    const r = relay(a.client(), b.client());
    const [sa, sb] = await Promise.all([a.socket, b.socket]);
    const atB = frames(sb);
    const atA = frames(sa);
    sa.send(Buffer.from('one'), { binary: true });
    sa.send(Buffer.from('two'), { binary: true });
    sa.send('', { binary: false });
    sb.send(Buffer.from('back'), { binary: true });
    await until('the frames', () => atB.length === 3 && atA.length === 1);
    expect(atB.map((f) => [f.data.toString(), f.binary])).toEqual([['one', true], ['two', true], ['', false]]);
    expect(atA.map((f) => [f.data.toString(), f.binary])).toEqual([['back', true]]);
    const bClosed = closed(sb);
    sa.close(1000);
    expect(await bClosed).toBe(1000);
    await r.done;
    expect(r.active).toBe(false);
  });

  it('closes the other side as going away (1001) when one side drops without a close frame', async () => {
    const r = relay(a.client(), b.client());
    const [sa, sb] = await Promise.all([a.socket, b.socket]);
    const bClosed = closed(sb);
    sa.terminate();
    expect(await bClosed).toBe(1001);
    await r.done;
  });

  it('holds frames that come before the other side is connected, with the sender paused, and passes them on in order', async () => {
    b.hold = true;
    const r = relay(a.client(), b.client());
    const sa = await a.socket;
    for (let i = 0; i < 5; i++) sa.send(Buffer.from(`early ${i}`), { binary: true });
    await new Promise((res) => setTimeout(res, 100));
    b.accept();
    const sb = await b.socket;
    const atB = frames(sb);
    await until('the early frames', () => atB.length === 5);
    expect(atB.map((f) => f.data.toString())).toEqual([0, 1, 2, 3, 4].map((i) => `early ${i}`));
    r.terminate();
    await r.done;
  });

  it('pauses reading from one side while the other does not read, so what it holds stays bounded; everything arrives once it reads', async () => {
    const high = 1024 * 1024;
    let relayed = 0;
    const r = relay(a.client(), b.client(), { highWaterBytes: high, onFrame: (d, n) => void (d === 'a→b' && (relayed += n)) });
    const [sa, sb] = await Promise.all([a.socket, b.socket]);
    // The target stops reading: its kernel buffers fill, then the relay's queue, then the relay pauses A.
    (sb as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const chunk = Buffer.alloc(64 * 1024, 7);
    const total = 32 * 1024 * 1024;
    const sent = createHash('sha256');
    let offered = 0;
    const pump = () => {
      while (offered < total && sa.bufferedAmount < 4 * 1024 * 1024) {
        const piece = Buffer.from(chunk);
        piece.writeUInt32BE(offered / chunk.length, 0);
        sent.update(piece);
        sa.send(piece, { binary: true });
        offered += piece.length;
      }
      if (offered < total) setTimeout(pump, 5);
    };
    pump();
    // A's own send buffer fills up and stays full: nobody reads from it any more.
    await until('A to be held up', () => sa.bufferedAmount >= 4 * 1024 * 1024);
    await new Promise((res) => setTimeout(res, 200));
    expect(sa.bufferedAmount).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    // The relay took its high-water mark and what the kernel buffers toward B hold, not what A offered.
    expect(relayed).toBeLessThan(high + 4 * 1024 * 1024);

    const got = createHash('sha256');
    let received = 0;
    const all = new Promise<void>((res) =>
      sb.on('message', (data: Buffer) => {
        got.update(data);
        received += data.length;
        if (received === total) res();
      }),
    );
    (sb as unknown as { _socket: { resume(): void } })._socket.resume();
    await all;
    expect(got.digest('hex')).toBe(sent.digest('hex'));
    r.terminate();
    await r.done;
  }, 60_000);
});
