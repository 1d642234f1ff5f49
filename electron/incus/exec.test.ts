import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { IncusClient } from './client.js';
import { ExecLimitError, execCommand } from './exec.js';

const FDS = ['0', '1', '2', 'control'] as const;

/**
 * incusd's non-interactive exec as a stand-in on a unix socket: it pings every stream as it
 * connects (as incusd does), runs the "command" once all are in, sends its output with the end
 * markers, and drops the connections at once, as incusd does when a command ends.
 */
async function fakeDaemon(
  dir: string,
  output: { stdout: Buffer; stderr: Buffer; code: number },
  /** 'flood': stdout never ends (a chunk every tick); 'hang': the command never ends. */
  behaviour: 'normal' | 'flood' | 'hang' = 'normal',
) {
  const path = join(dir, 'incus.socket');
  const wss = new WebSocketServer({ noServer: true });
  const conns = new Map<string, WebSocket>();
  const pongs: string[] = [];
  const stdin: Buffer[] = [];
  const sockets = new Set<Socket>();
  let wait: ServerResponse | null = null;
  let done = false;
  const requests: string[] = [];
  let controlClosed = false;
  let flooded = 0;
  let flood: NodeJS.Timeout | null = null;

  const finish = () => {
    const out = conns.get('1');
    const err = conns.get('2');
    if (out) {
      out.send(output.stdout);
      out.send('');
    }
    if (err) {
      err.send(output.stderr);
      err.send('');
    }
    done = true;
    answer();
    // incusd closes every stream as soon as the command has ended.
    setImmediate(() => conns.forEach((ws) => ws.terminate()));
  };
  const answer = () => {
    if (!wait || !done) return;
    wait.writeHead(200, { 'content-type': 'application/json' });
    wait.end(JSON.stringify({ type: 'sync', status_code: 200, metadata: { id: 'op-2', status_code: 200, status: 'Success', metadata: { return: output.code } } }));
    wait = null;
  };

  const start = () => {
    if (behaviour === 'normal') return setTimeout(finish, 50);
    if (behaviour === 'flood') {
      const chunk = Buffer.alloc(64 * 1024);
      flood = setInterval(() => {
        const out = conns.get('1');
        if (out?.readyState !== out?.OPEN) return;
        for (let i = 0; i < 16; i++) out?.send(chunk);
        flooded += 16 * chunk.length;
      }, 1);
    }
    return null;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method ?? ''} ${req.url?.split('?')[0] ?? ''}`);
    if (req.method === 'POST') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const fds = Object.fromEntries(FDS.map((fd) => [fd, `secret-${fd}`]));
      res.end(JSON.stringify({ type: 'async', status_code: 100, operation: '/1.0/operations/op-2', metadata: { id: 'op-2', metadata: { fds } } }));
      return;
    }
    if (req.url?.startsWith('/1.0/operations/op-2/wait')) {
      wait = res;
      answer();
      return;
    }
    res.writeHead(404).end();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const fd = new URL(req.url ?? '', 'http://x').searchParams.get('secret')?.replace('secret-', '') ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      conns.set(fd, ws);
      ws.on('pong', () => pongs.push(fd));
      ws.on('error', () => undefined);
      if (fd === '0') ws.on('message', (data: Buffer, binary: boolean) => binary && stdin.push(data));
      if (fd === 'control') ws.on('close', () => (controlClosed = true));
      ws.ping('keepalive');
      if (conns.size === FDS.length) start();
    });
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return {
    path,
    pongs,
    stdin,
    requests,
    get controlClosed() {
      return controlClosed;
    },
    get flooded() {
      return flooded;
    },
    close: () => {
      if (flood) clearInterval(flood);
      wait?.destroy();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('execCommand against a stand-in daemon', () => {
  let dir: string;
  let client: IncusClient | null = null;
  let daemon: Awaited<ReturnType<typeof fakeDaemon>> | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-exec-test-'));
  });
  afterEach(async () => {
    await daemon?.close();
    await client?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('collects output and exit code, and never writes on the output streams (not even a pong)', async () => {
    const stdout = Buffer.from([0x6f, 0x75, 0x74, 0x00, 0xff]);
    daemon = await fakeDaemon(dir, { stdout, stderr: Buffer.from('err'), code: 3 });
    client = new IncusClient({ socketPath: daemon.path, project: 'p' });
    const result = await execCommand(client, 'box', ['true'], { stdin: new Uint8Array([1, 2, 3]) });
    expect(result.exitCode).toBe(3);
    expect(result.stdout.equals(stdout)).toBe(true);
    expect(result.stderr.toString()).toBe('err');
    expect(Buffer.concat(daemon.stdin)).toEqual(Buffer.from([1, 2, 3]));
    // A pong on an output stream can hit a connection incusd has just closed; the client then
    // drops the stream with its output unread. Those streams stay silent.
    expect(daemon.pongs.filter((fd) => fd === '1' || fd === '2')).toEqual([]);
  });

  it('kills a command that runs past its timeout, and says so', async () => {
    daemon = await fakeDaemon(dir, { stdout: Buffer.alloc(0), stderr: Buffer.from('partial'), code: 0 }, 'hang');
    client = new IncusClient({ socketPath: daemon.path, project: 'p' });
    const err = await execCommand(client, 'box', ['tmux'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecLimitError);
    expect((err as ExecLimitError).limit).toBe('timeout');
    expect((err as ExecLimitError).message).toBe('tmux did not finish within 0.3 s and was stopped');
    // Incus kills the command when the control socket closes; the operation is cancelled too.
    await new Promise((r) => setTimeout(r, 50));
    expect(daemon.controlClosed).toBe(true);
    expect(daemon.requests).toContain('DELETE /1.0/operations/op-2');
  });

  it('keeps at most the cap of a flood, then kills the command', async () => {
    daemon = await fakeDaemon(dir, { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), code: 0 }, 'flood');
    client = new IncusClient({ socketPath: daemon.path, project: 'p' });
    const cap = 256 * 1024;
    const err = await execCommand(client, 'box', ['cat'], { maxOutputBytes: cap, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecLimitError);
    const limit = err as ExecLimitError;
    expect(limit.limit).toBe('output');
    expect(limit.message).toBe('cat printed more than 256 KiB and was stopped');
    expect(limit.truncated).toBe(true);
    expect(limit.stdout.length).toBe(cap);
    expect(daemon.flooded).toBeGreaterThan(cap);
    await new Promise((r) => setTimeout(r, 50));
    expect(daemon.controlClosed).toBe(true);
    const sent = daemon.flooded;
    await new Promise((r) => setTimeout(r, 50));
    expect(daemon.flooded - sent).toBe(0); // nothing more is read: the streams are closed
  });

  it('refuses a frame larger than the cap without buffering it', async () => {
    daemon = await fakeDaemon(dir, { stdout: Buffer.alloc(2 * 1024 * 1024), stderr: Buffer.alloc(0), code: 0 });
    client = new IncusClient({ socketPath: daemon.path, project: 'p' });
    const err = await execCommand(client, 'box', ['cat'], { maxOutputBytes: 64 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecLimitError);
    expect((err as ExecLimitError).limit).toBe('output');
  });
});
