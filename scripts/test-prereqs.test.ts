import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GROUP_COMMAND, SETUP_COMMAND, decide, imageVersionOf, type Facts } from './test-prereqs-model.mjs';

const ready: Facts = {
  socket: 'answers',
  socketPath: '/var/lib/incus/unix.socket',
  customSocket: false,
  poolName: 'enclave',
  pool: 'ok',
  imageAlias: 'enclave-agent',
  imageVersion: '3',
  image: 'ok',
  chromium: true,
  root: true,
  scriptPresent: true,
};
const fresh: Facts = { ...ready, socket: 'missing', pool: 'missing', image: 'missing', chromium: false };

describe('test prerequisites', () => {
  it('runs the suites when everything is there, as root or not', () => {
    expect(decide(ready)).toEqual({ action: 'ready', missing: [] });
    expect(decide({ ...ready, root: false }).action).toBe('ready');
  });

  it('as root on a fresh machine runs the setup; otherwise names the one command', () => {
    expect(decide(fresh)).toEqual({ action: 'setup', missing: ['no Incus socket at /var/lib/incus/unix.socket', 'no /usr/bin/chromium'] });
    const user = decide({ ...fresh, root: false });
    expect(user).toMatchObject({ action: 'tell', command: SETUP_COMMAND });
  });

  it('runs the setup for each part it builds: an old image, no pool, no daemon answering, no chromium', () => {
    for (const f of [
      { image: { version: '2' } },
      { image: 'missing' },
      { pool: 'missing' },
      { socket: 'not-responding' },
      { chromium: false },
    ] as Partial<Facts>[]) {
      expect(decide({ ...ready, ...f }).action).toBe('setup');
      expect(decide({ ...ready, ...f, root: false }).action).toBe('tell');
    }
    expect(decide({ ...ready, image: { version: '2' } }).missing).toEqual(['image enclave-agent is version 2, not 3']);
  });

  it('never runs the setup where it cannot help', () => {
    expect(decide({ ...ready, socket: 'permission-denied', root: false })).toMatchObject({ action: 'tell', command: GROUP_COMMAND });
    expect(decide({ ...ready, socket: 'untrusted' })).toMatchObject({ action: 'tell', command: GROUP_COMMAND });
    expect(decide({ ...ready, pool: { driver: 'dir' } })).toMatchObject({ action: 'tell' });
    expect(decide({ ...fresh, scriptPresent: false })).toMatchObject({ action: 'tell', command: SETUP_COMMAND });
    // On another socket's behalf it would start a second incusd over the local state.
    expect(decide({ ...fresh, customSocket: true, socketPath: '/tmp/s' })).toMatchObject({ action: 'tell', command: SETUP_COMMAND });
    expect(decide({ ...ready, customSocket: true, image: 'missing' }).action).toBe('tell');
  });

  it('says only that no daemon answers when none does: the pool and image cannot be seen', () => {
    expect(decide({ ...fresh, chromium: true }).missing).toEqual(['no Incus socket at /var/lib/incus/unix.socket']);
  });

  it('reads the image version the setup script builds', () => {
    expect(imageVersionOf('X=1\nIMAGE_VERSION=12\n')).toBe('12');
    expect(imageVersionOf('no version here')).toBeNull();
    expect(imageVersionOf(readFileSync(join(import.meta.dirname, 'setup-incus.sh'), 'utf8'))).toMatch(/^\d+$/);
  });
});
