import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { IncusClient } from './client.js';
import { Pty } from './pty.js';

/**
 * A stand-in for incusd's exec endpoints on a unix socket: enough to drive a Pty through its
 * life without a daemon, and to choose the timing of each step.
 */
class FakeExecDaemon {
  readonly path: string;
  private server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private waitResponse: ServerResponse | null = null;
  private waitAnswer: { return: number } | null = null;
  /** Delay before accepting the control socket (Incus starts the command once both are in). */
  controlDelayMs = 0;
  /** What the client sent: data frames (binary flag) and control messages. */
  readonly input: { data: Buffer; binary: boolean }[] = [];
  readonly controlMessages: unknown[] = [];
  data: WebSocket | null = null;
  control: WebSocket | null = null;
  /** Called when the data socket is connected (the command "starts"). */
  onData: (ws: WebSocket) => void = () => undefined;

  constructor(dir: string) {
    this.path = join(dir, 'incus.socket');
    this.server = createServer((req, res) => this.request(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const secret = new URL(req.url ?? '', 'http://x').searchParams.get('secret');
      const accept = () =>
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          if (secret === 'data-secret') {
            this.data = ws;
            ws.on('message', (data: Buffer, binary: boolean) => this.input.push({ data, binary }));
            this.onData(ws);
          } else {
            this.control = ws;
            ws.on('message', (data: Buffer) => this.controlMessages.push(JSON.parse(data.toString())));
          }
        });
      if (secret === 'control-secret' && this.controlDelayMs) setTimeout(accept, this.controlDelayMs);
      else accept();
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, () => resolve()));
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url?.startsWith('/1.0/instances/box/exec')) {
      req.resume();
      json({
        type: 'async',
        status_code: 100,
        operation: '/1.0/operations/op-1',
        metadata: { id: 'op-1', metadata: { fds: { '0': 'data-secret', control: 'control-secret' } } },
      });
      return;
    }
    if (req.url?.startsWith('/1.0/operations/op-1/wait')) {
      this.waitResponse = res;
      if (this.waitAnswer) this.answerWait();
      return;
    }
    res.writeHead(404).end();
  }

  private answerWait(): void {
    const res = this.waitResponse;
    if (!res || !this.waitAnswer) return;
    this.waitResponse = null;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'sync', status_code: 200, metadata: { id: 'op-1', status_code: 200, status: 'Success', metadata: this.waitAnswer } }));
  }

  /** The command ended: the output barrier, then the operation's result. */
  exit(code: number): void {
    this.data?.send('');
    this.waitAnswer = { return: code };
    this.answerWait();
  }

  /** The daemon goes away mid-session: every connection dropped. */
  drop(): void {
    for (const s of this.sockets) s.destroy();
    this.data?.terminate();
    this.control?.terminate();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const until = async (what: string, check: () => boolean, timeoutMs = 2_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Pty against a stand-in daemon', () => {
  let dir: string;
  let daemon: FakeExecDaemon;
  let client: IncusClient;
  const ptys: Pty[] = [];
  const open = async () => {
    const pty = await Pty.open(client, 'box', { command: ['sh'], cols: 80, rows: 24 });
    ptys.push(pty);
    return pty;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-pty-test-'));
    daemon = new FakeExecDaemon(dir);
    await daemon.listen();
    client = new IncusClient({ socketPath: daemon.path, project: 'p' });
  });
  afterEach(async () => {
    for (const p of ptys.splice(0)) p.kill();
    await daemon.close(); // first: it ends the held wait request, which client.close() waits for
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps output that arrives before open() returns, for the first listener', async () => {
    // The command starts (and prints its prompt) while the control socket is still connecting.
    daemon.controlDelayMs = 100;
    daemon.onData = (ws) => ws.send(Buffer.from('prompt$ '));
    const pty = await open();
    await new Promise((r) => setTimeout(r, 20)); // the caller does not even subscribe at once
    const got: Buffer[] = [];
    pty.on('data', (chunk) => got.push(chunk));
    await until('the early output', () => Buffer.concat(got).toString() === 'prompt$ ');
    // Later output still flows, in order.
    daemon.data?.send(Buffer.from([0xff, 0x00, 0x80]));
    await until('later output', () => Buffer.concat(got).length === 11);
    expect([...Buffer.concat(got).subarray(8)]).toEqual([0xff, 0x00, 0x80]);
  });

  it('sends input as binary frames, and resize and signals as control messages with string numbers', async () => {
    const pty = await open();
    pty.write(new Uint8Array([0x03, 0xff, 0x00]));
    pty.resize(132, 43);
    pty.signal(1);
    await until('the input', () => daemon.input.length === 1 && daemon.controlMessages.length === 2);
    expect(daemon.input[0]).toMatchObject({ binary: true });
    expect([...(daemon.input[0]?.data ?? [])]).toEqual([0x03, 0xff, 0x00]);
    expect(daemon.controlMessages).toEqual([
      { command: 'window-resize', args: { width: '132', height: '43' } },
      { command: 'signal', signal: 1 },
    ]);
  });

  it('reports exit with the operation return code once the output ended, after the last output', async () => {
    const pty = await open();
    const events: string[] = [];
    pty.on('data', (chunk) => events.push(`data:${chunk.toString()}`));
    pty.on('exit', (code) => events.push(`exit:${code}`));
    pty.on('drop', (err) => events.push(`drop:${err.message}`));
    daemon.data?.send(Buffer.from('bye'));
    await until('the output', () => events.length === 1);
    daemon.exit(7);
    await until('the exit', () => events.length === 2);
    expect(events).toEqual(['data:bye', 'exit:7']);
    expect(pty.running).toBe(false);
    expect(() => pty.write(new Uint8Array([1]))).toThrow(/ended/);
  });

  it('reports a drop, not an exit, when the daemon goes away while the command runs', async () => {
    const pty = await open();
    const events: string[] = [];
    pty.on('exit', (code) => events.push(`exit:${code}`));
    pty.on('drop', () => events.push('drop'));
    daemon.drop();
    await until('the drop', () => events.length > 0);
    expect(events).toEqual(['drop']);
    expect(pty.running).toBe(false);
  });

  it('stops reading while paused, and reads again on resume', async () => {
    const pty = await open();
    let received = 0;
    pty.on('data', (chunk) => (received += chunk.length));
    daemon.data?.send(Buffer.alloc(1000));
    await until('the first output', () => received === 1000);
    pty.pause();
    // Far more than socket buffers hold: the daemon's side backs up.
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 200; i++) daemon.data?.send(chunk);
    await new Promise((r) => setTimeout(r, 200));
    const whilePaused = received;
    expect(whilePaused).toBeLessThan(1000 + 8 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toBe(whilePaused);
    pty.resume();
    await until('the rest', () => received === 1000 + 200 * 64 * 1024, 5_000);
  });
});
