import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetupLog } from '../../shared/types.js';
import { SetupRunner, cleanLine, setupOffer, type OfferFacts } from './setup-runner.js';

let dir = '';
async function script(name: string, body: string): Promise<string> {
  const path = join(dir, 'scripts', name);
  await writeFile(path, `#!/usr/bin/env bash\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-setup-'));
  await mkdir(join(dir, 'scripts'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs to the end; every log event in order. */
function runToEnd(runner: SetupRunner): Promise<SetupLog[]> {
  const logs: SetupLog[] = [];
  return new Promise((resolve) => {
    runner.on('log', (log) => {
      logs.push(log);
      if ('done' in log) resolve(logs);
    });
    runner.start({ available: true });
  });
}

describe('SetupRunner', () => {
  it('streams the script output line by line, stderr too, then its exit code', async () => {
    const path = await script('fails.sh', 'echo one; echo two >&2; printf "three"; exit 3');
    const runner = new SetupRunner({ script: path, isRoot: () => true });
    const logs = await runToEnd(runner);
    const lines = logs.flatMap((l) => ('line' in l ? [l.line] : []));
    expect(lines.sort()).toEqual(['one', 'three', 'two']);
    expect(logs.at(-1)).toEqual({ done: true, exitCode: 3, error: expect.stringContaining('exit 3') });
    expect(runner.running).toBe(false);
  });

  it('runs one at a time: a second start joins the run with its output so far', async () => {
    const path = await script('slow.sh', `echo first; while [ ! -e "${dir}/go" ]; do sleep 0.05; done; echo last`);
    const runner = new SetupRunner({ script: path });
    const first = new Promise<void>((resolve) => runner.on('log', (l) => 'line' in l && l.line === 'first' && resolve()));
    const done = new Promise<SetupLog>((resolve) => runner.on('log', (l) => 'done' in l && resolve(l)));
    expect(runner.start({ available: true })).toEqual({ alreadyRunning: false, lines: [] });
    await first;
    expect(runner.start({ available: false, reason: 'ignored while running' })).toEqual({ alreadyRunning: true, lines: ['first'] });
    await writeFile(join(dir, 'go'), '');
    expect(await done).toEqual({ done: true, exitCode: 0, error: null });
  });

  it('refuses to start where the offer does not apply, saying why', () => {
    const runner = new SetupRunner({ script: '/nonexistent' });
    expect(() => runner.start({ available: false, reason: 'Setting up Incus from here needs Enclave to run as root.' })).toThrow(/root/);
  });

  it('stops a script that outlives its timeout, with all its children', async () => {
    const path = await script('hangs.sh', `sleep 300 & echo $! > "${dir}/child.pid"; echo started; sleep 300; echo never`);
    const runner = new SetupRunner({ script: path, timeoutMs: 300 });
    const logs = await runToEnd(runner);
    const child = Number(await readFile(join(dir, 'child.pid'), 'utf8'));
    // Gone, or a zombie its new parent has not reaped yet.
    const state = await readFile(`/proc/${child}/stat`, 'utf8').then((t) => t.split(') ')[1]?.[0], () => 'gone');
    expect(['gone', 'Z', 'X']).toContain(state);
    expect(logs.map((l) => ('line' in l ? l.line : 'done'))).toEqual(['started', 'done']);
    expect(logs.at(-1)).toMatchObject({ done: true, exitCode: null, error: expect.stringContaining('did not finish') });
  });

  it('keeps only the last output for a window that joins late', async () => {
    const path = await script('noisy.sh', `for i in $(seq 1 2000); do echo "line $i"; done; echo tail; while [ ! -e "${dir}/go2" ]; do sleep 0.05; done`);
    const runner = new SetupRunner({ script: path, maxOutputBytes: 1024 });
    const tail = new Promise<void>((resolve) => runner.on('log', (l) => 'line' in l && l.line === 'tail' && resolve()));
    const done = new Promise<void>((resolve) => runner.on('log', (l) => 'done' in l && resolve()));
    runner.start({ available: true });
    await tail;
    const { lines } = runner.start({ available: true });
    expect(lines.at(-1)).toBe('tail');
    expect(lines.join('\n').length).toBeLessThanOrEqual(1024);
    expect(lines[0]).toMatch(/^line \d+$/);
    expect(lines[0]).not.toBe('line 1');
    await writeFile(join(dir, 'go2'), '');
    await done;
  });

  it('never passes INCUS_SOCKET on: the setup is for the local daemon', async () => {
    const path = await script('env.sh', 'echo "socket=${INCUS_SOCKET-unset}"');
    process.env.INCUS_SOCKET = '/tmp/elsewhere.socket';
    try {
      const logs = await runToEnd(new SetupRunner({ script: path }));
      expect(logs[0]).toEqual({ line: 'socket=unset' });
    } finally {
      delete process.env.INCUS_SOCKET;
    }
  });
});

describe('setupOffer', () => {
  const ok: OfferFacts = { problem: 'missing', socketPath: '/var/lib/incus/unix.socket', root: true, script: '/s.sh', scriptExists: true, sockets: ['/var/lib/incus/unix.socket'] };
  it('is offered as root, with the script, when no local daemon answers', () => {
    expect(setupOffer(ok)).toEqual({ available: true });
    expect(setupOffer({ ...ok, problem: 'not-responding' })).toEqual({ available: true });
  });
  it('says why not when it would have helped', () => {
    expect(setupOffer({ ...ok, root: false })).toEqual({ available: false, reason: expect.stringContaining('root') });
    expect(setupOffer({ ...ok, scriptExists: false })).toEqual({ available: false, reason: expect.stringContaining('no setup script') });
    expect(setupOffer({ ...ok, script: null })).toEqual({ available: false, reason: expect.stringContaining('no setup script') });
    expect(setupOffer({ ...ok, socketPath: '/tmp/other' })).toEqual({ available: false, reason: expect.stringContaining('/tmp/other') });
    expect(setupOffer({ ...ok, socketPath: '/tmp/other', sockets: 'any' })).toEqual({ available: true });
  });
  it('is not mentioned where setting up cannot help', () => {
    expect(setupOffer({ ...ok, problem: 'permission-denied' })).toEqual({ available: false, reason: null });
    expect(setupOffer({ ...ok, problem: 'error' })).toEqual({ available: false, reason: null });
  });
});

describe('cleanLine', () => {
  it('drops colours and control characters, keeps tabs, bounds the length', () => {
    expect(cleanLine('\x1b[31mred\x1b[0m\tok\x07')).toBe('red\tok');
    expect(cleanLine('x'.repeat(5000)).length).toBe(2001);
  });
});
