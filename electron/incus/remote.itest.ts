/**
 * Every path to a remote Incus over HTTPS with the server's certificate pinned: REST, the
 * events stream, buffered exec, a PTY (with its flow control), a file pull, and a Connection
 * that owns the remote through a daemon kill and restart. Then the bad inputs, each with its
 * own problem. Against a spare incusd of this file's own, listening on 127.0.0.1 only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../shared/types.js';
import { Connection, type RemoteEndpoint } from '../core/connection.js';
import { SPARE_IMAGE, SpareIncusd, freePort, testClientIdentity } from '../test-support/spare-incusd.js';
import { IncusClient } from './client.js';
import { certFingerprint, type TlsIdentity } from './endpoint.js';
import { IncusUnreachableError } from './errors.js';
import { EventStream, type IncusEvent } from './events.js';
import { execCommand } from './exec.js';
import { pullFile } from './file-pull.js';
import { changeState, createInstance } from './instances.js';
import { ensureProject, serverInfo } from './projects.js';
import { Pty } from './pty.js';

const PROJECT = `enclave-it-remote-${randomBytes(3).toString('hex')}`;
const AGENT = 'remote-box';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The statuses a connection goes through, and the ready events, as they come. */
function watch(conn: Connection) {
  const statuses: ConnectionStatus[] = [];
  let ready = 0;
  conn.on('status', (s) => statuses.push(s));
  conn.on('ready', () => ready++);
  return {
    statuses,
    get ready() {
      return ready;
    },
    /** The first status from index `from` on that matches. */
    next: (pred: (s: ConnectionStatus) => boolean, from = 0, timeoutMs?: number) =>
      until('a matching status', () => statuses.slice(from).find(pred), timeoutMs),
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('a remote Incus over HTTPS with the certificate pinned', () => {
  let spare: SpareIncusd;
  let dir: string;
  let endpoint: RemoteEndpoint;
  let address: string;
  let root: IncusClient;
  let client: IncusClient;
  let identity: TlsIdentity;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-remote-it-'));
    spare = await SpareIncusd.create({ poolSize: '2GiB' });
    const https = await spare.listenHttps();
    identity = await testClientIdentity(dir, 'enclave-remote-it');
    await spare.trustCertificate(identity.certPem, 'enclave-remote-it');
    endpoint = { kind: 'https', host: https.host, port: https.port, serverCertPem: https.serverCertPem, client: identity };
    address = https.address;
    root = new IncusClient({ endpoint, project: 'default' });
    await ensureProject(root, PROJECT, 'Enclave remote integration test (throwaway)');
    client = root.withProject(PROJECT);
    await createInstance(client, { name: AGENT, source: { type: 'image', alias: SPARE_IMAGE } });
    await changeState(client, AGENT, 'start');
  }, 240_000);

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await root?.close().catch(() => undefined);
    try {
      await spare?.destroy();
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('answers GET /1.0 over HTTPS, trusting the client certificate', async () => {
    expect(root.address).toBe(address);
    expect(root.url('/1.0', {}, null)).toBe(`${address}/1.0`);
    const info = await serverInfo(root);
    expect(info.auth).toBe('trusted');
    expect(info.environment.server_version).toMatch(/^\d+\.\d+/);
    expect(certFingerprint(endpoint.serverCertPem)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams events over wss://', async () => {
    const events = new EventStream(client, ['lifecycle']);
    const seen: IncusEvent[] = [];
    events.on('event', (e) => seen.push(e));
    const connected = new Promise<void>((resolve) => events.once('connected', resolve));
    events.start();
    closers.push(async () => events.stop());
    await connected;
    const description = `remote-it ${randomBytes(4).toString('hex')}`;
    await client.call('PATCH', '/1.0/profiles/default', { body: { description } });
    const event = await until('the profile-updated event', () =>
      seen.find((e) => e.type === 'lifecycle' && e.metadata.action === 'profile-updated' && e.metadata.source.includes('/profiles/default')),
    );
    expect(event.project).toBe(PROJECT);
    events.stop();
  });

  it('runs a buffered exec with stdin over wss://', async () => {
    const res = await execCommand(client, AGENT, ['sh', '-c', 'printf "%s:" "$GREETING"; cat; printf err >&2'], {
      environment: { GREETING: 'over-tls' },
      stdin: Buffer.from('from stdin'),
    });
    expect(res.exitCode).toBe(0);
    expect(res.stdout.toString()).toBe('over-tls:from stdin');
    expect(res.stderr.toString()).toBe('err');
  });

  it('streams stdin into an exec over wss://', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += 256 * 1024) yield bytes.subarray(at, at + 256 * 1024);
    }
    const res = await execCommand(client, AGENT, ['sha256sum'], { stdinStream: chunks(), timeoutMs: 60_000 });
    expect(res.stdout.toString().split(/\s+/)[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('runs a PTY over wss:// that echoes input, and holds a flood back while paused', async () => {
    const pty = await Pty.open(client, AGENT, { command: ['sh'], cols: 80, rows: 24 });
    closers.push(async () => pty.kill());
    let out = '';
    let total = 0;
    pty.on('data', (chunk) => {
      total += chunk.length;
      out = (out + chunk.toString('latin1')).slice(-64 * 1024); // the tail: the flood scrolls past
    });
    pty.write(Buffer.from('echo "sum=$((6*7))"\n'));
    await until('the command to run', () => out.includes('sum=42'));

    // Paused, TLS socket buffers fill, incusd stops reading the PTY and `yes` blocks writing.
    pty.pause();
    pty.write(Buffer.from('yes\n'));
    const yesBlocked = async () => {
      const ps = await execCommand(client, AGENT, ['ps', '-eo', 'stat=,args=']);
      return ps.stdout.toString().split('\n').some((l) => /^S/.test(l.trim()) && l.trim().replace(/^\S+\s+/, '') === 'yes');
    };
    await until('yes to be held back', yesBlocked, 30_000);
    const held = total;
    await until('yes to be seen blocked again', yesBlocked, 30_000);
    expect(total - held).toBeLessThan(256 * 1024); // stalled, not slowed
    pty.resume();
    await until('the flood to flow again', () => total > held + 1024 * 1024, 30_000);
    pty.write(Buffer.from([0x03]));
    out = '';
    pty.write(Buffer.from('echo "after=$((7*8))"\n'));
    await until('the shell after ^C', () => out.includes('after=56'), 30_000);
    const exited = new Promise<number>((resolve) => pty.once('exit', resolve));
    pty.write(Buffer.from('exit 3\n'));
    expect(await exited).toBe(3);
  });

  it('pulls a file over HTTPS', async () => {
    const made = await execCommand(client, AGENT, ['sh', '-c', 'head -c 200000 /dev/urandom > /tmp/pull.bin && sha256sum /tmp/pull.bin']);
    const inside = made.stdout.toString().split(/\s+/)[0];
    const dest = join(dir, 'pulled.bin');
    expect(await pullFile(client, AGENT, '/tmp/pull.bin', dest, { maxBytes: 1024 * 1024, timeoutMs: 30_000 })).toBe(200_000);
    expect(createHash('sha256').update(await readFile(dest)).digest('hex')).toBe(inside);
  });

  it('keeps a Connection to the remote through a daemon kill and restart', async () => {
    const conn = new Connection({ project: PROJECT, endpoint, retryMs: 300, heartbeatMs: 1_000 });
    closers.push(() => conn.stop());
    const w = watch(conn);
    expect(conn.status).toMatchObject({ state: 'connecting', socketPath: address, tried: [address] });
    conn.start();
    const up = await w.next((s) => s.state === 'connected', 0, 60_000);
    expect(up).toMatchObject({ state: 'connected', socketPath: address, project: PROJECT, storageDrivers: ['btrfs'] });
    expect(w.ready).toBe(1);
    expect(conn.requireClient().address).toBe(address);
    expect(conn.requireClient().timeoutMs).toBe(10_000);

    const mark = w.statuses.length;
    await spare.kill();
    const down = await w.next((s) => s.state === 'unavailable', mark, 30_000);
    expect(down).toMatchObject({ state: 'unavailable', socketPath: address, tried: [address], problem: 'not-responding', setup: { available: false } });
    expect(down.state === 'unavailable' && down.message).toContain(address);
    expect(down.state === 'unavailable' && down.hint).toContain('core.https_address');
    expect(w.statuses.slice(mark).every((s) => s.state !== 'connected')).toBe(true);

    const back = w.statuses.length;
    await spare.start();
    await w.next((s) => s.state === 'connected', back, 60_000);
    await until('ready after the restart', () => w.ready === 2);
    await conn.stop();
  });

  /** Starts a connection, returns its first unavailable status, stops it. */
  async function firstProblem(e: RemoteEndpoint): Promise<Extract<ConnectionStatus, { state: 'unavailable' }>> {
    const conn = new Connection({ project: PROJECT, endpoint: e, retryMs: 60_000 });
    const w = watch(conn);
    conn.start();
    try {
      const s = await w.next((x) => x.state === 'unavailable', 0, 30_000);
      if (s.state !== 'unavailable') throw new Error('unreachable');
      expect(s).toMatchObject({ socketPath: `https://127.0.0.1:${e.port}`, tried: [`https://127.0.0.1:${e.port}`], setup: { available: false } });
      return s;
    } finally {
      await conn.stop();
    }
  }

  /** A Node https server on 127.0.0.1 with a certificate of its own, counting the requests it got. */
  async function fakeHttps(name: string, answer: (res: import('node:http').ServerResponse) => void) {
    const own = await testClientIdentity(dir, name);
    let requests = 0;
    const server: HttpsServer = createHttpsServer({ cert: own.certPem, key: own.keyPem }, (_req, res) => {
      requests++;
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as AddressInfo).port;
    return { port, own, requests: () => requests, endpoint: (serverCertPem: string): RemoteEndpoint => ({ kind: 'https', host: '127.0.0.1', port, serverCertPem, client: identity }) };
  }

  it("refuses a server whose certificate is not the pinned one, sending nothing", async () => {
    const other = await testClientIdentity(dir, 'not-the-server');
    // The real daemon, pinned to another certificate.
    const s = await firstProblem({ ...endpoint, serverCertPem: other.certPem });
    expect(s.problem).toBe('certificate-changed');
    expect(s.message).toMatch(/^Refused https:\/\/127\.0\.0\.1:\d+: its certificate is not the one pinned/);
    expect(s.hint).toMatch(/remove the server and add it again/);

    // A server that counts requests: none arrives, for REST, exec-style wss and file pulls alike.
    const fake = await fakeHttps('impostor', (res) => res.end('{}'));
    const pinnedElsewhere = new IncusClient({ endpoint: fake.endpoint(other.certPem), project: 'default' });
    closers.push(() => pinnedElsewhere.close());
    const err = await rejection(pinnedElsewhere.get('/1.0', { project: null }));
    expect(err).toBeInstanceOf(IncusUnreachableError);
    expect(err).toMatchObject({ problem: 'certificate-changed' });
    await expect(pullFile(pinnedElsewhere, AGENT, '/etc/hostname', join(dir, 'never'), { maxBytes: 1024, timeoutMs: 10_000 })).rejects.toMatchObject({
      problem: 'certificate-changed',
    });
    expect(fake.requests()).toBe(0);
  });

  it('says nothing listens on a wrong port', async () => {
    const port = await freePort();
    const s = await firstProblem({ ...endpoint, port });
    expect(s.problem).toBe('not-responding');
    expect(s.message).toMatch(/Nothing listens on https:\/\/127\.0\.0\.1:\d+.*wrong port/);
  });

  it('calls an HTTPS server that answers HTML, or JSON of its own, not Incus', async () => {
    const html = await fakeHttps('web', (res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html><body>It works!</body></html>');
    });
    const s = await firstProblem(html.endpoint(html.own.certPem));
    expect(s.problem).toBe('not-incus');
    expect(s.message).toContain('It works!');
    expect(html.requests()).toBeGreaterThan(0);

    const json = await fakeHttps('api', (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok', version: 2 }));
    });
    expect((await firstProblem(json.endpoint(json.own.certPem))).problem).toBe('not-incus');

    const lookalike = await fakeHttps('lookalike', (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ type: 'sync', status_code: 200, metadata: { hello: 'world' } }));
    });
    const l = await firstProblem(lookalike.endpoint(lookalike.own.certPem));
    expect(l.problem).toBe('not-incus');
    expect(l.message).toMatch(/not as Incus does/);
  });

  it('calls a plain HTTP server spoken to over TLS not Incus', async () => {
    const plain: HttpServer = createHttpServer((_req, res) => res.end('plain'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => plain.close(resolve)));
    const port = (plain.address() as AddressInfo).port;
    const s = await firstProblem({ ...endpoint, port });
    expect(s.problem).toBe('not-incus');
    expect(s.message).toMatch(/does not speak TLS/);
  });

  it('says the server does not trust an unknown client certificate', async () => {
    const stranger = await testClientIdentity(dir, 'stranger');
    const s = await firstProblem({ ...endpoint, client: stranger });
    expect(s.problem).toBe('untrusted');
    expect(s.message).toContain(address);
    expect(s.hint).toMatch(/trust/);
  });
});
