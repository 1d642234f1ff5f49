import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyConnectError } from './errors.js';
import { chooseSocket, hintFor, probeSocket, socketCandidates } from './socket.js';

const DEFAULTS = ['/var/lib/incus/unix.socket', '/run/incus/unix.socket'];

describe('socketCandidates', () => {
  it('uses the standard paths without environment', () => {
    expect(socketCandidates({})).toEqual(DEFAULTS);
  });

  it('uses INCUS_SOCKET alone when set: the user chose that daemon', () => {
    expect(socketCandidates({ INCUS_SOCKET: '/opt/custom/incus.socket' })).toEqual(['/opt/custom/incus.socket']);
    expect(socketCandidates({ INCUS_SOCKET: '/opt/custom/incus.socket', INCUS_DIR: '/srv/incus/' })).toEqual(['/opt/custom/incus.socket']);
  });

  it('else INCUS_DIR/unix.socket alone', () => {
    expect(socketCandidates({ INCUS_DIR: '/srv/incus' })).toEqual(['/srv/incus/unix.socket']);
    expect(socketCandidates({ INCUS_DIR: '/srv/incus/' })).toEqual(['/srv/incus/unix.socket']);
  });

  it('ignores empty variables', () => {
    expect(socketCandidates({ INCUS_SOCKET: '', INCUS_DIR: '' })).toEqual(DEFAULTS);
  });
});

describe('probeSocket and chooseSocket', () => {
  let dir: string;
  let server: Server;
  let sock: string;
  let file: string;
  let missing: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-socket-test-'));
    sock = join(dir, 'live.socket');
    file = join(dir, 'plain-file');
    missing = join(dir, 'nothing-here.socket');
    await writeFile(file, 'not a socket');
    server = createServer((c) => c.end());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sock, resolve);
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a listening unix socket', async () => {
    expect(await probeSocket(sock)).toEqual({ path: sock, problem: null, message: `${sock} is a socket we can open.` });
  });

  it('reports a missing path', async () => {
    expect(await probeSocket(missing)).toMatchObject({ path: missing, problem: 'missing' });
    // A path through something that is not a directory is missing too.
    expect((await probeSocket(join(file, 'unix.socket'))).problem).toBe('missing');
  });

  it('reports a file that is not a socket', async () => {
    expect(await probeSocket(file)).toEqual({ path: file, problem: 'error', message: `${file} exists but is not a socket.` });
    expect((await probeSocket(dir)).problem).toBe('error');
  });

  it('chooses the first candidate that exists', async () => {
    const chosen = await chooseSocket([missing, sock, file]);
    expect(chosen.path).toBe(sock);
    expect(chosen.probes.map((p) => p.problem)).toEqual(['missing', null]);
  });

  it('stops at an existing candidate even when it is broken, like the CLI', async () => {
    const chosen = await chooseSocket([missing, file, sock]);
    expect(chosen.path).toBe(file);
    expect(chosen.probes.map((p) => p.problem)).toEqual(['missing', 'error']);
  });

  it('falls back to the first candidate when none exists', async () => {
    const other = join(dir, 'other.socket');
    const chosen = await chooseSocket([missing, other]);
    expect(chosen.path).toBe(missing);
    expect(chosen.probes).toHaveLength(2);
    expect((await chooseSocket([])).path).toBe('/var/lib/incus/unix.socket');
  });
});

describe('hintFor', () => {
  it('says the fix only: the problem and its socket are the message, shown beside it', () => {
    const message = classifyConnectError({ code: 'ENOENT' }, '/x/unix.socket')?.message ?? '';
    expect(message).toContain('/x/unix.socket');
    for (const problem of ['missing', 'permission-denied', 'not-responding', 'error'] as const) {
      expect(hintFor(problem)).not.toContain('/x/unix.socket');
      expect(hintFor(problem)).not.toContain(message);
    }
    expect(hintFor('missing')).toContain('sudo scripts/setup-incus.sh');
    expect(hintFor('permission-denied')).toContain('incus-admin');
    expect(hintFor('error')).toContain('log');
  });
});
