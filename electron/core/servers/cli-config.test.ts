import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity, type ClientIdentity } from './client-identity.js';
import { cliConfigDir, readCliIdentity, readCliRemotes } from './cli-config.js';

let dir = '';
let server: ClientIdentity;
let other: ClientIdentity;
beforeAll(async () => {
  server = await generateIdentity('server');
  other = await generateIdentity('other');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enclave-cli-config-'));
  await mkdir(join(dir, 'servercerts'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONFIG = `default-remote: local
remotes:
  images:
    addr: https://images.linuxcontainers.org
    protocol: simplestreams
    public: true
  docker:
    addr: https://docker.io
    protocol: oci
    public: true
  local:
    addr: unix://
    public: false
  prod:
    addr: https://10.1.2.3:8443
    auth_type: tls
    project: agents
    protocol: incus
    public: false
  lab:
    addr: https://lab.example
aliases: {}
`;

describe('cliConfigDir', () => {
  it('is $INCUS_CONF, else ~/.config/incus', () => {
    expect(cliConfigDir({ INCUS_CONF: '/x/conf' }, '/home/u')).toBe('/x/conf');
    expect(cliConfigDir({}, '/home/u')).toBe('/home/u/.config/incus');
  });
});

describe('readCliRemotes', () => {
  it('returns the Incus remotes over HTTPS with their pinned certificates, skipping image servers and the socket', async () => {
    await writeFile(join(dir, 'config.yml'), CONFIG);
    await writeFile(join(dir, 'servercerts', 'prod.crt'), server.certPem);
    await writeFile(join(dir, 'servercerts', 'lab.crt'), other.certPem);
    const { remotes, problem } = await readCliRemotes(dir);
    expect(problem).toBeNull();
    expect(remotes).toEqual([
      { name: 'lab', address: 'https://lab.example:8443', serverCertPem: other.certPem, fingerprint: other.fingerprint, project: null, problem: null },
      { name: 'prod', address: 'https://10.1.2.3:8443', serverCertPem: server.certPem, fingerprint: server.fingerprint, project: 'agents', problem: null },
    ]);
  });

  it('keeps a remote whose certificate file is broken, with the reason, and the others load', async () => {
    await writeFile(join(dir, 'config.yml'), CONFIG);
    await writeFile(join(dir, 'servercerts', 'prod.crt'), server.certPem);
    await writeFile(join(dir, 'servercerts', 'lab.crt'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    const { remotes } = await readCliRemotes(dir);
    const lab = remotes.find((r) => r.name === 'lab');
    const prod = remotes.find((r) => r.name === 'prod');
    expect(lab?.problem).toMatch(/lab\.crt is not a valid certificate/);
    expect(lab?.serverCertPem).toBeNull();
    expect(prod?.problem).toBeNull();
    expect(prod?.fingerprint).toBe(server.fingerprint);
  });

  it('says so when a remote has no pinned certificate, or a file that is no PEM at all', async () => {
    await writeFile(join(dir, 'config.yml'), CONFIG);
    await writeFile(join(dir, 'servercerts', 'prod.crt'), 'hello');
    const { remotes } = await readCliRemotes(dir);
    expect(remotes.find((r) => r.name === 'lab')?.problem).toMatch(/no pinned server certificate/);
    expect(remotes.find((r) => r.name === 'prod')?.problem).toMatch(/prod\.crt is not a PEM certificate/);
  });

  it('flags remotes Enclave cannot use: OIDC, a bad address, a name that is no server name', async () => {
    await writeFile(
      join(dir, 'config.yml'),
      `remotes:\n  sso:\n    addr: https://sso.example:8443\n    auth_type: oidc\n  badaddr:\n    addr: https://host:8443/path\n  "bad name":\n    addr: https://x.example\n`,
    );
    const { remotes } = await readCliRemotes(dir);
    expect(remotes.find((r) => r.name === 'sso')?.problem).toMatch(/oidc authentication/);
    expect(remotes.find((r) => r.name === 'badaddr')?.problem).toMatch(/has a path/);
    expect(remotes.find((r) => r.name === 'bad name')?.problem).toMatch(/contains " "/);
  });

  it('has no remotes and no problem without a config.yml (the CLI defaults)', async () => {
    expect(await readCliRemotes(dir)).toEqual({ remotes: [], problem: null });
    expect(await readCliRemotes(join(dir, 'absent'))).toEqual({ remotes: [], problem: null });
  });

  it('reports a config.yml that is not YAML or has no remotes map, without throwing', async () => {
    await writeFile(join(dir, 'config.yml'), 'remotes: [unclosed\n');
    expect((await readCliRemotes(dir)).problem).toMatch(/not valid YAML/);
    await writeFile(join(dir, 'config.yml'), 'remotes: 42\n');
    expect((await readCliRemotes(dir)).problem).toMatch(/no readable "remotes" map/);
    await writeFile(join(dir, 'config.yml'), 'remotes:\n  r: 5\n');
    expect((await readCliRemotes(dir)).remotes[0]?.problem).toMatch(/not a map/);
  });
});

describe('readCliIdentity', () => {
  it('returns the CLI client certificate and key when they belong together', async () => {
    const id = await generateIdentity('cli');
    await writeFile(join(dir, 'client.crt'), id.certPem);
    await writeFile(join(dir, 'client.key'), id.keyPem);
    expect(await readCliIdentity(dir)).toEqual(id);
  });

  it('says what is wrong, never quoting the key', async () => {
    expect(await readCliIdentity(dir)).toEqual({ problem: expect.stringMatching(/has no client certificate/) });
    const id = await generateIdentity('cli');
    await writeFile(join(dir, 'client.crt'), id.certPem);
    expect(await readCliIdentity(dir)).toEqual({ problem: expect.stringMatching(/client key .* is missing/) });
    await writeFile(join(dir, 'client.key'), other.keyPem);
    expect(await readCliIdentity(dir)).toEqual({ problem: expect.stringMatching(/does not belong/) });
    await writeFile(join(dir, 'client.key'), 'garbage');
    const bad = await readCliIdentity(dir);
    expect(bad).toEqual({ problem: expect.stringMatching(/not a readable private key/) });
    expect(JSON.stringify(bad)).not.toContain('garbage');
    await writeFile(join(dir, 'client.crt'), 'x');
    expect(await readCliIdentity(dir)).toEqual({ problem: expect.stringMatching(/client\.crt is not a PEM certificate/) });
  });
});
