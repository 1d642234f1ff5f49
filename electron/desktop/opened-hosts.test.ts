import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_OPENED_HOSTS, OpenedHosts, isUrlHost } from './opened-hosts.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-opened-hosts-'));
  file = join(dir, 'config', 'opened-hosts.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const saved = async (): Promise<unknown> => JSON.parse(await readFile(file, 'utf8'));

describe('isUrlHost', () => {
  it.each(['example.com', 'xn--exmple-cua.com', 'localhost:3000', '127.0.0.1', '[::1]:8080', 'example.com:443', 'example.com:80'])('takes %s', (host) => {
    expect(isUrlHost(host)).toBe(true);
  });
  it.each(['', 'EXAMPLE.com', 'exämple.com', 'a/b', 'user@example.com', 'example.com:0x50', 'exa mple.com', 'example.com/', '[::1', 'a'.repeat(300)])(
    'refuses %j',
    (host) => {
      expect(isUrlHost(host)).toBe(false);
    },
  );
});

describe('OpenedHosts', () => {
  it('starts empty without a file, writes the file 0600 on the first host, and reads it back', async () => {
    const hosts = new OpenedHosts(file);
    expect(await hosts.has('example.com')).toBe(false);
    await hosts.remember('example.com');
    await hosts.remember('localhost:3000');
    await hosts.remember('example.com');
    expect(await hosts.has('example.com')).toBe(true);
    expect(await saved()).toEqual({ version: 1, hosts: ['example.com', 'localhost:3000'] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = new OpenedHosts(file);
    expect(await again.has('localhost:3000')).toBe(true);
    expect(await again.has('localhost:5173')).toBe(false);
  });

  it('forgets the oldest past its bound, in memory and in the file', async () => {
    expect(MAX_OPENED_HOSTS).toBe(500);
    const hosts = new OpenedHosts(file, 3);
    for (const host of ['a.example', 'b.example', 'c.example', 'd.example']) await hosts.remember(host);
    expect(await hosts.has('a.example')).toBe(false);
    expect(await hosts.has('d.example')).toBe(true);
    expect(await saved()).toEqual({ version: 1, hosts: ['b.example', 'c.example', 'd.example'] });
  });

  it('keeps the default bound of 500', async () => {
    const hosts = new OpenedHosts(file);
    for (let i = 0; i < MAX_OPENED_HOSTS + 2; i++) await hosts.remember(`h${i}.example`);
    const { hosts: list } = (await saved()) as { hosts: string[] };
    expect(list).toHaveLength(MAX_OPENED_HOSTS);
    expect(list[0]).toBe('h2.example');
    expect(await new OpenedHosts(file).has(`h${MAX_OPENED_HOSTS + 1}.example`)).toBe(true);
  });

  it('writes one at a time and atomically: every host lands, no temporary file is left', async () => {
    const hosts = new OpenedHosts(file);
    await Promise.all(Array.from({ length: 30 }, (_, i) => hosts.remember(`p${i}.example`)));
    const { hosts: list } = (await saved()) as { hosts: string[] };
    expect(new Set(list)).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `p${i}.example`)));
    expect(await readdir(join(dir, 'config'))).toEqual(['opened-hosts.json']);
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 2, hosts: ['example.com'] })],
    ['no list', JSON.stringify({ version: 1, hosts: 'example.com' })],
    ['a list of other things', JSON.stringify({ version: 1, hosts: ['example.com', 42] })],
    ['a host in capitals', JSON.stringify({ version: 1, hosts: ['example.com', 'EVIL.example'] })],
    ['a path for a host', JSON.stringify({ version: 1, hosts: ['example.com', 'evil.example/x'] })],
    ['more than 500 hosts', JSON.stringify({ version: 1, hosts: Array.from({ length: 501 }, (_, i) => `h${i}.example`) })],
    ['far too big', JSON.stringify({ version: 1, hosts: ['example.com'], pad: 'x'.repeat(300 * 1024) })],
    ['empty', ''],
    ['null', 'null'],
  ])('takes a file that is %s for no hosts, and replaces it on the next host', async (_what, content) => {
    await mkdir(join(dir, 'config'));
    await writeFile(file, content);
    const hosts = new OpenedHosts(file);
    expect(await hosts.has('example.com')).toBe(false);
    await hosts.remember('example.org');
    expect(await saved()).toEqual({ version: 1, hosts: ['example.org'] });
  });

  it('takes a directory in place of the file for no hosts', async () => {
    await mkdir(file, { recursive: true });
    const hosts = new OpenedHosts(file);
    expect(await hosts.has('example.com')).toBe(false);
  });

  it('does not hang on a FIFO in place of the file', async () => {
    await mkdir(join(dir, 'config'));
    execFileSync('mkfifo', [file]);
    expect(await new OpenedHosts(file).has('example.com')).toBe(false);
  });

  it('remembers a host for this run when the file cannot be written, and says so', async () => {
    await writeFile(join(dir, 'config'), 'a file where the folder should be');
    const hosts = new OpenedHosts(file);
    await expect(hosts.remember('example.com')).rejects.toThrow();
    expect(await hosts.has('example.com')).toBe(true);
    // The next write is tried afresh, not stuck behind the failed one.
    await expect(hosts.remember('example.org')).rejects.toThrow();
    expect(await hosts.has('example.org')).toBe(true);
  });

  it('refuses to remember what is not a host', async () => {
    const hosts = new OpenedHosts(file);
    await expect(hosts.remember('Example.com')).rejects.toThrow('not a host');
    await expect(hosts.remember('https://example.com/')).rejects.toThrow('not a host');
    expect(await hosts.has('Example.com')).toBe(false);
  });
});
