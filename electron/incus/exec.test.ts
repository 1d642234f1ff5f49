import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { IncusClient } from './client.js';
import { execCommand } from './exec.js';

const FDS = ['0', '1', '2', 'control'] as const;

/**
 * incusd's non-interactive exec as a stand-in on a unix socket: it pings every stream as it
 * connects (as incusd does), runs the "command" once all are in, sends its output with the end
 * markers, and drops the connections at once, as incusd does when a command ends.
 */
async function fakeDaemon(dir: string, output: { stdout: Buffer; stderr: Buffer; code: number }) {
  const path = join(dir, 'incus.socket');
  const wss = new WebSocketServer({ noServer: true });
  const conns = new Map<string, WebSocket>();
  const pongs: string[] = [];
  const stdin: Buffer[] = [];
  const sockets = new Set<Socket>();
  let wait: ServerResponse | null = null;
  let done = false;

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

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
      ws.ping('keepalive');
      if (conns.size === FDS.length) setTimeout(finish, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return {
    path,
    pongs,
    stdin,
    close: () => {
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
});
