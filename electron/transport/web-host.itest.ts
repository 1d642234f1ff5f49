import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Reply } from '../../shared/api.js';
import type { Agent, AgentsChange, TerminalData, TerminalInfo } from '../../shared/types.js';
import { MAX_TERMINAL_INPUT_BYTES } from '../../shared/api.js';
import { execCommand } from '../incus/exec.js';
import { decodeFrame, encodeFrame, type ServerFrame } from '../../shared/wire.js';
import { Backend } from '../core/backend.js';
import { createInstance } from '../incus/instances.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { contentSecurityPolicy } from '../desktop/content-policy.js';
import { MAX_CLIENTS, startWebHost, type WebHost } from './web-host.js';
import { tokenCookie } from './web-auth.js';

const INDEX = '<!doctype html><title>Enclave test</title>';

interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('browser-mode web host with a real backend', () => {
  const project = useTestProject();
  let dir: string;
  let backend: Backend;
  let host: WebHost;
  const sockets: WebSocket[] = [];

  /** A raw HTTP request: the path is sent as written (no URL normalisation). */
  function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, path, method, headers: { host: `127.0.0.1:${host.port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
  const cookie = () => ({ cookie: `${tokenCookie(host.port)}=${host.token}` });

  /** Opens a WebSocket; resolves once open, or rejects with the HTTP status it was refused with. */
  function connect(query = `?token=${host.token}`, opts: { origin?: string } = {}): Promise<WebSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, opts);
    sockets.push(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Collects server frames of a socket (text and binary alike). */
  function frames(ws: WebSocket) {
    const got: ServerFrame[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      got.push(decodeFrame(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : String(data)) as ServerFrame);
      waiters.forEach((w) => w());
    });
    const next = (match: (f: ServerFrame) => boolean, timeoutMs = 5000) =>
      new Promise<ServerFrame>((resolve, reject) => {
        const check = () => {
          const i = got.findIndex(match);
          if (i < 0) return false;
          const [f] = got.splice(i, 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(f as ServerFrame);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('no matching frame in time'));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    let id = 0;
    const call = async (method: string, args: unknown = {}): Promise<Reply> => {
      const callId = ++id;
      ws.send(encodeFrame({ t: 'call', id: callId, method, args }));
      const f = await next((fr) => fr.t === 'reply' && fr.id === callId);
      return (f as Extract<ServerFrame, { t: 'reply' }>).reply;
    };
    return { got, next, call };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-web-it-'));
    await mkdir(join(dir, 'static', 'assets'), { recursive: true });
    await writeFile(join(dir, 'static', 'index.html'), INDEX);
    await writeFile(join(dir, 'static', 'assets', 'app.js'), 'console.log(1);');
    await writeFile(join(dir, 'secret.txt'), 'outside the static folder');
    await symlink(join(dir, 'secret.txt'), join(dir, 'static', 'out.txt'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
    ({ backend } = await testBackend(project, 'web'));
    project.defer(() => backend.stop());
    backend.start();
    await backend.ready(15_000);
    host = await startWebHost({ backend, staticDir: join(dir, 'static') });
    project.defer(() => host.close());
    project.defer(() => sockets.forEach((ws) => ws.terminate()));
  });

  describe('HTTP', () => {
    it('prints a loopback URL carrying the token', () => {
      expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
      expect(host.token.length).toBeGreaterThanOrEqual(32);
    });

    it('refuses a request without the token', async () => {
      const res = await get('/');
      expect(res.status).toBe(401);
      expect(res.body).not.toContain(INDEX);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect((await get('/?token=wrong')).status).toBe(401);
    });

    it('moves ?token= into a cookie named after its port and out of the address', async () => {
      const res = await get(`/?token=${host.token}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(res.body).not.toContain(INDEX);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['set-cookie']?.[0]).toBe(`enclave_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
      const other = await get(`/assets/app.js?v=2&token=${host.token}`);
      expect([other.status, other.headers.location]).toEqual([303, '/assets/app.js?v=2']);
      const page = await get(res.headers.location ?? '', { cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '' });
      expect(page.status).toBe(200);
      expect(page.body).toBe(INDEX);
      expect(page.headers['content-type']).toContain('text/html');
    });

    it('serves with the cookie alone', async () => {
      const res = await get('/', cookie());
      expect(res.status).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['set-cookie']).toBeUndefined();
      const js = await get('/assets/app.js', cookie());
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toContain('text/javascript');
      expect((await get('/missing.css', cookie())).status).toBe(404);
      expect((await get('/assets', cookie())).status).toBe(404);
      const head = await get('/', cookie(), 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect((await get('/', cookie(), 'POST')).status).toBe(405);
    });

    it('refuses a foreign Origin even with the token', async () => {
      expect((await get(`/?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403);
      expect((await get('/', { ...cookie(), origin: `http://localhost:${host.port + 1}` })).status).toBe(403);
      expect((await get('/', { ...cookie(), origin: `http://localhost:${host.port}` })).status).toBe(200);
    });

    it('refuses a wrong Host header (DNS rebinding) even with the token', async () => {
      expect((await get(`/?token=${host.token}`, { host: `evil.example:${host.port}` })).status).toBe(403);
      expect((await get('/', { ...cookie(), host: 'evil.example' })).status).toBe(403);
      expect((await get('/', { ...cookie(), host: `localhost:${host.port}` })).status).toBe(200);
    });

    it.each([
      // Normalised by the URL parser before any file is looked up: inside, and not there.
      ['/../secret.txt', 404],
      ['/../../../../etc/passwd', 404],
      ['/%2e%2e/secret.txt', 404],
      ['/%2E%2E/secret.txt', 404],
      ['/assets/../../secret.txt', 404],
      ['/assets/%2e%2e/%2e%2e/secret.txt', 404],
      ['/..\\secret.txt', 404],
      ['//etc/passwd', 404],
      // A symlink in the folder pointing out of it.
      ['/out.txt', 404],
      // Spelled so that no segment can name a file.
      ['/..%2fsecret.txt', 400],
      ['/%2e%2e%2fsecret.txt', 400],
      ['/..%5csecret.txt', 400],
      ['/%252e%252e/secret.txt', 400],
      ['/%2fetc%2fpasswd', 400],
      ['/%00', 400],
    ])('keeps %s inside the static folder (%i)', async (path, status) => {
      const res = await get(path, cookie());
      expect(res.status).toBe(status);
      expect(res.body).not.toContain('outside the static folder');
      expect(res.body).not.toContain('root:');
    });

    it('sends the CSP and the security headers on every response, refusals included', async () => {
      const policy = contentSecurityPolicy({ connect: 'self' });
      const answers = await Promise.all([
        get('/', cookie()),
        get('/assets/app.js', cookie(), 'HEAD'),
        get(`/?token=${host.token}`),
        get('/'),
        get('/', { ...cookie(), origin: 'http://evil.example' }),
        get('/missing.js', cookie()),
        get('/%', cookie()),
        get('/', cookie(), 'POST'),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 303, 401, 403, 404, 400, 405]);
      for (const res of answers) {
        expect(res.headers['content-security-policy']).toBe(policy);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['cache-control']).toBe('no-store');
      }
      expect(answers[7]?.headers.allow).toBe('GET, HEAD');
    });

    it('answers a malformed percent-encoding without crashing', async () => {
      for (const path of ['/%', '/%E0%A4%A', '/assets/%zz.js']) expect((await get(path, cookie())).status).toBe(400);
      expect((await get('/', cookie())).status).toBe(200);
    });
  });

  it('survives request targets that are not URLs, on plain requests and upgrades', async () => {
    const raw = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const c = connectTcp(host.port, '127.0.0.1', () => c.write(head));
        let got = '';
        c.on('data', (d: Buffer) => (got += d.toString('latin1')));
        c.on('close', () => resolve(got));
        c.on('error', reject);
        c.setTimeout(5000, () => c.destroy());
      });
    const h = `Host: 127.0.0.1:${host.port}\r\nCookie: ${tokenCookie(host.port)}=${host.token}\r\nConnection: close\r\n`;
    expect(await raw(`GET http://[ HTTP/1.1\r\n${h}\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    const upgrade = `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\n`;
    expect(await raw(`GET http://[ HTTP/1.1\r\n${h.replace('Connection: close', 'Connection: Upgrade')}${upgrade}\r\n`)).toMatch(
      /^HTTP\/1\.1 400/,
    );
    expect((await get('/', cookie())).status).toBe(200);
  });

  describe('WebSocket', () => {
    it('refuses a client without the token, or with a wrong one', async () => {
      await expect(connect('')).rejects.toThrow('refused: 401');
      await expect(connect('?token=nope')).rejects.toThrow('refused: 401');
    });

    it('refuses a foreign Origin and other paths', async () => {
      await expect(connect(`?token=${host.token}`, { origin: 'http://evil.example' })).rejects.toThrow('refused: 403');
      const other = new WebSocket(`ws://127.0.0.1:${host.port}/other?token=${host.token}`);
      sockets.push(other);
      await expect(
        new Promise((resolve, reject) => {
          other.once('open', resolve);
          other.once('unexpected-response', (_q, res) => reject(new Error(`refused: ${res.statusCode}`)));
          other.once('error', reject);
        }),
      ).rejects.toThrow('refused: 404');
    });

    it('answers calls: list, unknown method, malformed frames, oversized arguments', async () => {
      const ws = await connect();
      const { call, next } = frames(ws);
      expect(await call('agents.list')).toEqual({ ok: true, result: [] });
      expect(await call('system.status')).toMatchObject({ ok: true, result: { state: 'connected', project: project.name } });

      expect(await call('agents.explode')).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
      expect(await call('agents.create', { name: '9lives', image: AGENT_IMAGE })).toMatchObject({
        ok: false,
        error: { code: 'invalid-arguments' },
      });

      ws.send('{not json');
      const bad = await next((f) => f.t === 'reply' && f.id === -1);
      expect(bad).toMatchObject({ t: 'reply', id: -1, reply: { ok: false, error: { code: 'invalid-arguments' } } });
      expect((bad as Extract<ServerFrame, { t: 'reply' }>).reply).toMatchObject({ error: { message: /Malformed frame/ } });

      ws.send(JSON.stringify({ t: 'hello', id: 5 }));
      expect(await next((f) => f.t === 'reply' && f.id === -1)).toMatchObject({ reply: { ok: false } });
      ws.send(Buffer.from(JSON.stringify({ t: 'call', id: 6, method: 'agents.list', args: {} })), { binary: true });
      expect(await next((f) => f.t === 'reply' && f.id === -1)).toMatchObject({ reply: { error: { message: /binary/ } } });

      const big = await call('agents.create', { name: 'big', image: AGENT_IMAGE, description: 'x'.repeat(100 * 1024) });
      expect(big).toMatchObject({ ok: false, error: { code: 'too-large' } });
      // Still usable afterwards.
      expect(ws.readyState).toBe(WebSocket.OPEN);
      expect(await call('agents.list')).toEqual({ ok: true, result: [] });
    });

    it('pushes backend events to the client', async () => {
      const ws = await connect();
      const { next } = frames(ws);
      const name = `ws-${suffix()}`;
      await createInstance(project.client, { name, source: { type: 'image', alias: AGENT_IMAGE } });
      const f = await next(
        (fr) => fr.t === 'event' && fr.event === 'agents.changed' && (fr.payload as AgentsChange).kind === 'upsert',
      );
      expect((f as Extract<ServerFrame, { t: 'event' }>).payload).toMatchObject({ kind: 'upsert', agent: { name, managed: false } });
    });

    it('a 1 MB paste in full-size pieces over binary frames reaches the program whole and in order', async () => {
      const ws = await connect();
      const { call, got } = frames(ws);
      const agent = `paste-${suffix()}`;
      expect(await call('agents.create', { name: agent, image: AGENT_IMAGE })).toMatchObject({ ok: true, result: { name: agent } as Partial<Agent> });
      const opened = await call('terminals.open', { agent, kind: 'shell', cols: 80, rows: 24 });
      if (!opened.ok) throw new Error(opened.error.message);
      const id = (opened.result as TerminalInfo).id;
      const output = () =>
        Buffer.concat(
          got.filter((f) => f.t === 'event' && f.event === 'terminals.data').map((f) => (f as { payload: TerminalData }).payload.data),
        ).toString('latin1');
      const input = (text: string | Uint8Array) =>
        call('terminals.input', { id, data: typeof text === 'string' ? new TextEncoder().encode(text) : text });
      // The shell prints READY only once stty and the redirection are in place; its echo shows RE""ADY.
      expect(await input(`stty -echo; printf '%s%s\\n' RE ADY; cat > /tmp/paste\r`)).toEqual({ ok: true, result: {} });
      await until('the shell to be ready for the paste', () => /READY/.test(output()), 15_000);
      // Canonical mode keeps at most 4095 bytes a line: lines of 100, printable only.
      const line = (n: number) => `${String(n).padStart(6, '0')}:${'x'.repeat(92)}\n`;
      const paste = new TextEncoder().encode(Array.from({ length: 10_000 }, (_, n) => line(n)).join(''));
      expect(paste.byteLength).toBe(1_000_000);
      const pieces: Promise<Reply>[] = [];
      for (let at = 0; at < paste.byteLength; at += MAX_TERMINAL_INPUT_BYTES) {
        pieces.push(input(paste.slice(at, at + MAX_TERMINAL_INPUT_BYTES)));
      }
      expect((await Promise.all(pieces)).filter((r) => !r.ok)).toEqual([]);
      expect(await input('\x04')).toEqual({ ok: true, result: {} });
      const client = backend.local.connection.requireClient();
      const written = await until(
        'cat to write the whole paste',
        async () => {
          const r = await execCommand(client, agent, ['sh', '-c', 'pgrep -x cat >/dev/null || wc -c < /tmp/paste']);
          return r.stdout.toString().trim() || false;
        },
        30_000,
      );
      expect(Number(written)).toBe(paste.byteLength);
      const copy = await execCommand(client, agent, ['cat', '/tmp/paste']);
      expect(copy.stdout.equals(Buffer.from(paste))).toBe(true);
    });

    it(`serves at most ${MAX_CLIENTS} windows at once, and the next once one closes`, async () => {
      const open = await Promise.all(Array.from({ length: MAX_CLIENTS - sockets.filter((w) => w.readyState === WebSocket.OPEN).length }, () => connect()));
      await expect(connect()).rejects.toThrow('refused: 503');
      open[0]?.close();
      await until('the server to see the window close', async () => connect().then(() => true, () => false), 5000);
      open.forEach((w) => w.terminate());
    });

    it('closes a socket sending a frame over 1 MiB, and keeps serving others', async () => {
      const ws = await connect();
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.on('error', () => undefined);
      ws.send(JSON.stringify({ t: 'call', id: 1, method: 'agents.list', args: { pad: 'x'.repeat(1024 * 1024 + 10) } }));
      expect(await closed).toBe(1009);

      const again = await connect();
      const { call } = frames(again);
      expect(await call('agents.list')).toMatchObject({ ok: true });
      expect((await get('/', cookie())).status).toBe(200);
    });
  });
});
