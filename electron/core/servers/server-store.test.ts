import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVERS_FILE, ServerStore, type StoredServer } from './server-store.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-servers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const server: StoredServer = {
  name: 'lab',
  address: 'https://127.0.0.1:8443',
  serverCertPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  fingerprint: 'ab'.repeat(32),
  addedAt: '2026-01-01T00:00:00.000Z',
};

describe('ServerStore', () => {
  it('starts empty, keeps what is added in a 0600 file, and reads it back', async () => {
    const store = new ServerStore(dir);
    expect(await store.load()).toEqual({ servers: [], hiddenCliRemotes: [], problem: null });
    await store.change((f) => {
      f.servers.push(server);
      f.hiddenCliRemotes.push('prod');
    });
    expect((await stat(join(dir, SERVERS_FILE))).mode & 0o777).toBe(0o600);
    expect(await new ServerStore(dir).load()).toEqual({ servers: [server], hiddenCliRemotes: ['prod'], problem: null });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write what does not validate, leaving the file as it was', async () => {
    const store = new ServerStore(dir);
    await store.change((f) => f.servers.push(server));
    await expect(store.change((f) => f.servers.push({ ...server, name: 'bad name' }))).rejects.toThrow();
    expect((await new ServerStore(dir).load()).servers).toEqual([server]);
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    ['the wrong shape', JSON.stringify({ version: 1, servers: [{ name: 'x' }], hiddenCliRemotes: [] }), /is not a list Enclave wrote \(servers\.0\.address/],
  ])('reports a file that is %s, moves it aside and starts empty', async (_what, text, message) => {
    await writeFile(join(dir, SERVERS_FILE), text);
    const state = await new ServerStore(dir).load();
    expect(state.servers).toEqual([]);
    expect(state.problem).toMatch(message);
    const aside = (await readdir(dir)).find((f) => f.startsWith(`${SERVERS_FILE}.broken-`));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside ?? ''), 'utf8')).toBe(text);
  });
});
