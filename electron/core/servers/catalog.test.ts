/** The catalog's rules that need no server: names, hiding, which identity, broken files. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import { plainCipher } from '../secrets/cipher.js';
import { ServerCatalog } from './catalog.js';
import { generateIdentity } from './client-identity.js';
import { SERVERS_FILE } from './server-store.js';

let root = '';
let configDir = '';
let cliDir = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'enclave-catalog-'));
  configDir = join(root, 'enclave');
  cliDir = join(root, 'incus');
  await mkdir(join(cliDir, 'servercerts'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeCli(remotes: Record<string, string>): Promise<void> {
  const lines = ['remotes:', '  local:', '    addr: unix://'];
  for (const [name, addr] of Object.entries(remotes)) lines.push(`  ${name}:`, `    addr: ${addr}`, '    protocol: incus');
  await writeFile(join(cliDir, 'config.yml'), lines.join('\n') + '\n');
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof EnclaveError)) throw new Error(`expected an EnclaveError, got ${String(err)}`);
  return `${err.code}: ${err.message}`;
}

describe('ServerCatalog without a server', () => {
  it('refuses bad, reserved and taken names before any connection', async () => {
    const server = await generateIdentity('srv');
    await writeCli({ prod: 'https://127.0.0.1:1' });
    await writeFile(join(cliDir, 'servercerts', 'prod.crt'), server.certPem);
    const catalog = new ServerCatalog(configDir, plainCipher, cliDir);
    const fp = 'a'.repeat(64);
    expect(await codeOf(catalog.add({ name: 'a b', address: '127.0.0.1:1', fingerprint: fp }))).toMatch(/^invalid-arguments: .*contains " "/);
    expect(await codeOf(catalog.add({ name: 'local', address: '127.0.0.1:1', fingerprint: fp }))).toMatch(/^invalid-arguments: "local" is the server on this machine/);
    expect(await codeOf(catalog.add({ name: 'prod', address: '127.0.0.1:1', fingerprint: fp }))).toMatch(/^conflict: The incus CLI already has a remote named "prod"/);
    expect(await codeOf(catalog.add({ name: 'x', address: 'http://127.0.0.1:1', fingerprint: fp }))).toMatch(/^invalid-arguments: .*HTTPS only/);
    expect(await codeOf(catalog.add({ name: 'x', address: '127.0.0.1:1' }))).toMatch(/^invalid-arguments: Give either a trust token/);
    expect(await codeOf(catalog.add({ name: 'x', address: '127.0.0.1:1', token: 'bm9wZQ==' }))).toMatch(/^invalid-arguments: The trust token is base64 but/);
  });

  it("uses the CLI's client certificate for its remotes when it has a valid one, else Enclave's", async () => {
    const server = await generateIdentity('srv');
    await writeCli({ prod: 'https://127.0.0.1:1' });
    await writeFile(join(cliDir, 'servercerts', 'prod.crt'), server.certPem);
    const catalog = new ServerCatalog(configDir, plainCipher, cliDir);
    const enclave = await catalog.clientCertificate();
    const [withoutCli] = await catalog.entries();
    expect(withoutCli).toMatchObject({ name: 'prod', source: 'cli', clientCertificate: 'enclave', fingerprint: server.fingerprint, problem: null });
    expect(withoutCli?.endpoint).toMatchObject({ kind: 'https', host: '127.0.0.1', port: 1, serverCertPem: server.certPem });
    expect(withoutCli?.endpoint?.client.certPem).toBe(enclave.pem);

    const cli = await generateIdentity('cli');
    await writeFile(join(cliDir, 'client.crt'), cli.certPem);
    await writeFile(join(cliDir, 'client.key'), cli.keyPem);
    const [withCli] = await catalog.entries();
    expect(withCli?.clientCertificate).toBe('cli');
    expect(withCli?.endpoint?.client.certPem).toBe(cli.certPem);
  });

  it('hides a CLI remote on remove, whose name is then free in Enclave, and tells listeners', async () => {
    await writeCli({ prod: 'https://127.0.0.1:1' });
    const catalog = new ServerCatalog(configDir, plainCipher, cliDir);
    const seen: number[] = [];
    catalog.onChange((list) => seen.push(list.length));
    expect((await catalog.entries()).map((e) => e.name)).toEqual(['prod']);
    await catalog.remove('prod');
    expect(await catalog.entries()).toEqual([]);
    expect(seen).toEqual([0]);
    expect(await codeOf(catalog.remove('prod'))).toMatch(/^not-found: There is no server named "prod"/);
    // Free again: the refusal now is about the address, checked after the name.
    expect(await codeOf(catalog.add({ name: 'prod', address: 'http://127.0.0.1:1', fingerprint: 'a'.repeat(64) }))).toMatch(/HTTPS only/);
  });

  it('shows an added server whose stored certificate was tampered with as a config problem, others unaffected', async () => {
    const a = await generateIdentity('a');
    const b = await generateIdentity('b');
    const entry = (name: string, pem: string, fingerprint: string) => ({ name, address: 'https://127.0.0.1:2', serverCertPem: pem, fingerprint, addedAt: '2026-01-01T00:00:00.000Z' });
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, SERVERS_FILE), JSON.stringify({ version: 1, servers: [entry('good', a.certPem, a.fingerprint), entry('bad', b.certPem, a.fingerprint)], hiddenCliRemotes: [] }));
    const catalog = new ServerCatalog(configDir, plainCipher, cliDir);
    const list = await catalog.entries();
    expect(list.find((e) => e.name === 'good')).toMatchObject({ source: 'enclave', clientCertificate: 'enclave', problem: null });
    expect(list.find((e) => e.name === 'bad')).toMatchObject({ endpoint: null, problem: { problem: 'config', message: expect.stringMatching(/not the one its fingerprint names/) } });
    expect(await catalog.problems()).toEqual([]);
  });

  it('reports a broken servers.json and a broken config.yml as problems, with no entries from them', async () => {
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, SERVERS_FILE), '{');
    await writeFile(join(cliDir, 'config.yml'), 'remotes: [\n');
    const catalog = new ServerCatalog(configDir, plainCipher, cliDir);
    expect(await catalog.entries()).toEqual([]);
    const problems = await catalog.problems();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/added servers is not valid JSON/);
    expect(problems[1]).toMatch(/config\.yml is not valid YAML/);
  });
});
