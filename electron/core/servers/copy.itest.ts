/**
 * Copies between two real daemons: the machine's, on its unix socket (a throwaway project), and
 * a spare incusd of this file's own as a remote over HTTPS on loopback (its certificate pinned, a
 * throwaway client certificate trusted), the case relay mode exists for: the local daemon has no
 * HTTPS listener for the remote to dial. No container has a network; nothing leaves 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import { deleteImage, getImage, importImage, setAlias } from '../../incus/images.js';
import { changeState, createInstance, getInstance, listInstances, type Instance } from '../../incus/instances.js';
import { ensureProject } from '../../incus/projects.js';
import { AGENT_IMAGE, randomProjectName, suffix, useTestProject } from '../../test-support/project.js';
import { SPARE_IMAGE, SPARE_POOL, SpareIncusd, spareIncusdSkipReason, testClientIdentity } from '../../test-support/spare-incusd.js';
import { copyImage } from '../images/copy-image.js';
import { COPYING_KEY, copyAgentTo, removeUnfinishedCopies, type CopyProgress } from './copy-agent.js';

const run = promisify(execFile);
const skipped = spareIncusdSkipReason();
const TITLE = 'copying agents and images between servers (the local daemon and a spare one)';

if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

const META = {
  'user.enclave.created-by': 'enclave',
  'user.enclave.template': 'shell',
  'user.enclave.network.mode': 'restricted',
  'user.enclave.created-at': '2026-12-02T00:00:00.000Z',
};

async function pushFile(client: IncusClient, instance: string, path: string, content: string): Promise<void> {
  await client.call('POST', `/1.0/instances/${encodeURIComponent(instance)}/files`, {
    query: { path },
    raw: Buffer.from(content),
    headers: { 'x-incus-type': 'file', 'x-incus-mode': '0644', 'x-incus-uid': '0', 'x-incus-gid': '0' },
  });
}

function readFile(client: IncusClient, instance: string, path: string): Promise<string> {
  return client.getText(`/1.0/instances/${encodeURIComponent(instance)}/files`, { query: { path } });
}

async function names(client: IncusClient): Promise<string[]> {
  return (await listInstances(client)).map((i) => i.name).sort();
}

function enclaveKeys(inst: Instance): Record<string, string> {
  return Object.fromEntries(Object.entries(inst.config).filter(([k]) => k.startsWith('user.enclave.')));
}

/**
 * Incus sends a stopped container from a read-only btrfs snapshot it makes for the migration
 * (containers/migration.N/.migration-send) and deletes it when the send ends; SIGKILLed in the
 * middle, it never does, and neither does its next start, so the pool cannot be deleted
 * afterwards. That leak is Incus's, not the copy's: the test removes it.
 */
async function removeLeakedSendSnapshots(daemon: SpareIncusd): Promise<void> {
  const containers = join(daemon.dir, 'storage-pools', SPARE_POOL, 'containers');
  for (const entry of await readdir(containers)) {
    if (!entry.startsWith('migration.')) continue;
    await run('btrfs', ['subvolume', 'delete', join(containers, entry, '.migration-send')]).catch(() => undefined);
    await rm(join(containers, entry), { recursive: true, force: true });
  }
}

async function refusal(p: Promise<unknown>): Promise<EnclaveError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.skipIf(skipped)(TITLE, () => {
  // After hooks run last-registered first, and one that throws keeps the rest from running: the
  // spare's teardown (registered last) never throws, so the project's always runs; what it hit
  // is thrown here, last of all.
  let spareTeardown: unknown = null;
  afterAll(() => {
    if (spareTeardown) throw spareTeardown;
  });
  const local = useTestProject();
  let spare: SpareIncusd | null = null;
  let spareRoot: IncusClient;
  let remote: IncusClient;
  let hostDir: string;
  const remoteProject = randomProjectName();

  beforeAll(async () => {
    hostDir = await mkdtemp(join(tmpdir(), 'enclave-copy-'));
    spare = await SpareIncusd.create({ poolSize: '2GiB' });
    spareRoot = new IncusClient({ socketPath: spare.socketPath, project: 'default' });
    await ensureProject(spareRoot, remoteProject, 'Enclave copy test (safe to delete)');
    const https = await spare.listenHttps();
    const identity = await testClientIdentity(hostDir, 'enclave-copy');
    await spare.trustCertificate(identity.certPem, 'enclave-copy');
    remote = new IncusClient({
      endpoint: { kind: 'https', host: https.host, port: https.port, serverCertPem: https.serverCertPem, client: identity },
      project: remoteProject,
    });
  });
  afterAll(async () => {
    await remote?.close().catch(() => undefined);
    await spareRoot?.close().catch(() => undefined);
    await spare?.destroy().catch((err: unknown) => (spareTeardown = err));
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
  }, 180_000);

  /** A stopped agent from the agent image with a file inside and Enclave's keys. */
  async function makeAgent(client: IncusClient, name: string, pool: string, extraDevices: Record<string, Record<string, string>> = {}): Promise<void> {
    await createInstance(client, {
      name,
      source: { type: 'image', alias: client === remote ? SPARE_IMAGE : AGENT_IMAGE },
      config: META,
      devices: { root: { type: 'disk', path: '/', pool, size: '1GiB' }, ...extraDevices },
    });
    await pushFile(client, name, '/root/hello.txt', `hello from ${name}\n`);
  }

  const progressOf = (log: CopyProgress[]) => (p: CopyProgress) => void log.push(p);

  it('copies a stopped agent local → spare with its file and keys; the NIC and the host disk are left out and reported', async () => {
    const name = `a-${suffix()}`;
    await makeAgent(local.client, name, 'enclave', {
      eth1: { type: 'nic', nictype: 'p2p', name: 'eth1' },
      share: { type: 'disk', source: hostDir, path: '/mnt/share' },
    });
    const before = await getInstance(local.client, name);
    const log: CopyProgress[] = [];
    const copy = await copyAgentTo(local.client, remote, name, name, progressOf(log), { fromLabel: 'local', toLabel: 'spare' });

    expect(copy.instance.name).toBe(name);
    expect(copy.instance.status).toBe('Stopped');
    expect(enclaveKeys(copy.instance)).toEqual(META);
    expect(copy.instance.config[COPYING_KEY]).toBeUndefined();
    expect(copy.instance.devices).toEqual({ root: { type: 'disk', path: '/', pool: SPARE_POOL, size: '1GiB' }, eth1: { type: 'none' } });
    expect(copy.leftOut).toEqual([
      { device: 'eth1', kind: 'nic', what: 'nic on p2p' },
      { device: 'share', kind: 'host-disk', what: `${hostDir} at /mnt/share` },
    ]);
    expect(copy.pool).toBe(SPARE_POOL);
    expect(copy.notes.join(' ')).toMatch(/spare has no storage pool "enclave"/);
    expect(await readFile(remote, name, '/root/hello.txt')).toBe(`hello from ${name}\n`);
    expect(log.map((p) => p.stage)).toContain('transferring');
    expect(log.at(-1)?.stage).toBe('finishing');
    expect(log.at(-1)?.bytes).toBeGreaterThan(1024 * 1024);

    // The source is as it was.
    const after = await getInstance(local.client, name);
    expect(after.config).toEqual(before.config);
    expect(after.devices).toEqual(before.devices);
  });

  it('copies spare → local under another name, likewise', async () => {
    const name = `b-${suffix()}`;
    await makeAgent(remote, name, SPARE_POOL);
    const copy = await copyAgentTo(remote, local.client, name, `${name}-copy`, undefined, { fromLabel: 'spare', toLabel: 'local' });
    expect(copy.instance.name).toBe(`${name}-copy`);
    expect(enclaveKeys(copy.instance)).toEqual(META);
    expect(copy.instance.devices.root).toEqual({ type: 'disk', path: '/', pool: 'enclave', size: '1GiB' });
    expect(copy.leftOut).toEqual([]);
    expect(await readFile(local.client, `${name}-copy`, '/root/hello.txt')).toBe(`hello from ${name}\n`);
  });

  it('copies a running agent stateless: the copy arrives stopped, the source keeps running', async () => {
    const name = `r-${suffix()}`;
    await makeAgent(local.client, name, 'enclave');
    await changeState(local.client, name, 'start');
    await pushFile(local.client, name, '/root/while-running.txt', 'written while running\n');
    const copy = await copyAgentTo(local.client, remote, name, name, undefined, { toLabel: 'spare' });
    expect(copy.instance.status).toBe('Stopped');
    expect(await readFile(remote, name, '/root/while-running.txt')).toBe('written while running\n');
    expect((await getInstance(local.client, name)).status).toBe('Running');
    await changeState(local.client, name, 'stop', { force: true });
  });

  it('refuses a taken name, a missing profile and a mounted workspace before making anything', async () => {
    const name = `c-${suffix()}`;
    await createInstance(local.client, { name, source: { type: 'none' }, config: META });
    await createInstance(remote, { name, source: { type: 'none' } });
    const remoteBefore = await names(remote);

    const taken = await refusal(copyAgentTo(local.client, remote, name, name, undefined, { toLabel: 'spare' }));
    expect(taken.code).toBe('conflict');
    expect(taken.message).toMatch(new RegExp(`spare already has an agent or instance named "${name}"`));

    await local.client.call('POST', '/1.0/profiles', { body: { name: 'extra', config: {}, devices: {} } });
    const profiled = `d-${suffix()}`;
    await createInstance(local.client, { name: profiled, source: { type: 'none' }, profiles: ['default', 'extra'] });
    const noProfile = await refusal(copyAgentTo(local.client, remote, profiled, profiled, undefined, { toLabel: 'spare' }));
    expect(noProfile.code).toBe('not-found');
    expect(noProfile.message).toMatch(/spare has no profile "extra"/);

    const mounted = `e-${suffix()}`;
    await createInstance(local.client, {
      name: mounted,
      source: { type: 'none' },
      config: { ...META, 'user.enclave.workspace.mode': 'mount', 'user.enclave.workspace.source': hostDir },
    });
    const mount = await refusal(copyAgentTo(local.client, remote, mounted, mounted, undefined, { toLabel: 'spare' }));
    expect(mount.code).toBe('conflict');
    expect(mount.message).toMatch(/mounted live .*cannot follow it to spare/);

    expect(await names(remote)).toEqual(remoteBefore);
    const ops = await local.client.get<{ running?: unknown[] }>('/1.0/operations', { query: { recursion: '1' } });
    expect(ops.running ?? []).toEqual([]);
  });

  it('a cancelled copy ends both operations and leaves nothing on the target', async () => {
    const name = `h-${suffix()}`;
    await makeAgent(local.client, name, 'enclave');
    const abort = new AbortController();
    const err = await refusal(
      copyAgentTo(local.client, remote, name, name, (p) => {
        if (p.stage === 'transferring' && p.bytes > 0) abort.abort();
      }, { fromLabel: 'local', toLabel: 'spare', signal: abort.signal }),
    );
    expect(abort.signal.aborted).toBe(true);
    expect(err.code).toBe('conflict');
    expect(err.message).toBe(`The copy of ${name} to spare was cancelled. Nothing was left on spare.`);
    expect(await names(remote)).not.toContain(name);
    for (const client of [local.client, remote]) {
      const ops = await client.get<{ running?: unknown[] }>('/1.0/operations', { query: { recursion: '1' } });
      expect(ops.running ?? []).toEqual([]);
    }
  });

  it('the source daemon killed mid-copy: a specific error, nothing left on the target, the source untouched', async () => {
    const daemon = spare as SpareIncusd;
    const name = `f-${suffix()}`;
    await makeAgent(remote, name, SPARE_POOL);
    const before = await getInstance(remote, name);
    let killed: Promise<void> | null = null;
    const err = await refusal(
      copyAgentTo(remote, local.client, name, name, (p) => {
        if (p.stage === 'transferring' && p.bytes > 0) killed ??= daemon.kill();
      }, { fromLabel: 'spare', toLabel: 'local', stallMs: 20_000 }),
    );
    expect(killed).not.toBeNull();
    await killed;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(new RegExp(`Copying ${name} from spare to local failed: spare stopped answering during the copy\\. Nothing was left on local\\. ${name} on spare is unchanged\\.`));
    expect(await names(local.client)).not.toContain(name);

    await daemon.start();
    await removeLeakedSendSnapshots(daemon);
    const after = await getInstance(remote, name);
    expect(after.status).toBe('Stopped');
    expect(after.config).toEqual(before.config);
    expect(await readFile(remote, name, '/root/hello.txt')).toBe(`hello from ${name}\n`);
  });

  it('the target daemon killed mid-copy: a specific error; the unfinished copy is removed once it answers again', async () => {
    const daemon = spare as SpareIncusd;
    const name = `g-${suffix()}`;
    await makeAgent(local.client, name, 'enclave');
    let killed: Promise<void> | null = null;
    const err = await refusal(
      copyAgentTo(local.client, remote, name, name, (p) => {
        if (p.stage === 'transferring' && p.bytes > 0) killed ??= daemon.kill();
      }, { fromLabel: 'local', toLabel: 'spare', stallMs: 20_000 }),
    );
    await killed;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(new RegExp(`Copying ${name} from local to spare failed: spare stopped answering during the copy\\.`));
    expect(err.message).toMatch(/An unfinished copy may remain on spare \(marked user\.enclave\.copying\)/);
    // The source is untouched and no operation of the copy runs on it.
    expect((await getInstance(local.client, name)).status).toBe('Stopped');
    const ops = await local.client.get<{ running?: unknown[] }>('/1.0/operations', { query: { recursion: '1' } });
    expect(ops.running ?? []).toEqual([]);

    await daemon.start();
    // Incus wrote the instance's record before the transfer began; the kill kept its own cleanup from running.
    const left = (await listInstances(remote)).find((i) => i.name === name);
    expect(left?.config[COPYING_KEY]).toMatch(/^[0-9a-f]{16}$/);
    expect(await removeUnfinishedCopies(remote)).toEqual([name]);
    expect(await names(remote)).not.toContain(name);
    expect(await removeUnfinishedCopies(remote)).toEqual([]);
  });

  it('copies an image local → spare with its fingerprint, free aliases and version; one already there is answered as it is', async () => {
    // A tiny image of its own (never launched): metadata.yaml and a rootfs with one file.
    const dir = join(hostDir, 'image');
    await mkdir(join(dir, 'rootfs', 'etc'), { recursive: true });
    const tag = suffix();
    await writeFile(join(dir, 'rootfs', 'etc', 'tiny'), `tiny ${tag}\n`);
    await writeFile(join(dir, 'metadata.yaml'), `architecture: x86_64\ncreation_date: ${Math.floor(Date.now() / 1000)}\nproperties:\n  description: tiny ${tag}\n`);
    const tarball = join(hostDir, `tiny-${tag}.tar.gz`);
    await run('tar', ['-czf', tarball, '-C', dir, 'metadata.yaml', 'rootfs']);
    const fp = await importImage(local.client, createReadStream(tarball), (await stat(tarball)).size);
    local.defer(() => deleteImage(local.client, fp).catch(() => undefined));
    const free = `enclave-it-tiny-${tag}`;
    const held = `enclave-it-held-${tag}`;
    await setAlias(local.client, free, fp);
    await setAlias(local.client, held, fp);
    // Set after the import: not in metadata.yaml, so it must travel as a property of its own.
    const img = await getImage(local.client, fp);
    await local.client.call('PATCH', `/1.0/images/${fp}`, { body: { properties: { ...img.properties, 'user.enclave.image-version': '7' } } });
    const spareAgentFp = (await remote.get<{ target: string }>(`/1.0/images/aliases/${SPARE_IMAGE}`)).target;
    await setAlias(remote, held, spareAgentFp);

    const progress: number[] = [];
    const copy = await copyImage(local.client, remote, fp.slice(0, 12), (p) => progress.push(p.doneBytes), { fromLabel: 'local', toLabel: 'spare' });
    expect(copy.copied).toBe(true);
    expect(copy.image.fingerprint).toBe(fp);
    expect(copy.image.properties['user.enclave.image-version']).toBe('7');
    expect(copy.image.properties.description).toBe(`tiny ${tag}`);
    expect(copy.aliases).toEqual([free]);
    expect(copy.aliasesTaken).toEqual([held]);
    expect((await remote.get<{ target: string }>(`/1.0/images/aliases/${free}`)).target).toBe(fp);
    expect((await remote.get<{ target: string }>(`/1.0/images/aliases/${held}`)).target).toBe(spareAgentFp);
    expect(progress.at(-1)).toBeGreaterThan(0);

    const again = await copyImage(local.client, remote, fp, undefined, { toLabel: 'spare' });
    expect(again.copied).toBe(false);
    expect(again.image.fingerprint).toBe(fp);

    const missing = await refusal(copyImage(local.client, remote, 'f'.repeat(64), undefined, { fromLabel: 'local' }));
    expect(missing.code).toBe('not-found');
    await expect(getImage(remote, 'f'.repeat(64))).rejects.toBeInstanceOf(IncusError);
  });
  it('the agent image copied local → spare in full; the target killed mid-image-copy: a specific error and no image left', async () => {
    const daemon = spare as SpareIncusd;
    const agentFp = (await local.client.get<{ target: string }>(`/1.0/images/aliases/${AGENT_IMAGE}`)).target;
    // The spare imported the same tarball: make it lack the image (its instances do not need it).
    await deleteImage(remote, agentFp);
    let killed: Promise<void> | null = null;
    const err = await refusal(
      copyImage(local.client, remote, agentFp, (p) => {
        if (p.doneBytes > 0 && p.doneBytes < p.totalBytes) killed ??= daemon.kill();
      }, { fromLabel: 'local', toLabel: 'spare', stallMs: 20_000 }),
    );
    expect(killed).not.toBeNull();
    await killed;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/^Copying the image [0-9a-f]{12} from local to spare failed: spare stopped answering during the copy\.$/);
    await daemon.start();
    await expect(getImage(remote, agentFp)).rejects.toMatchObject({ status: 404 });

    const sizes: number[] = [];
    const copy = await copyImage(local.client, remote, agentFp, (p) => sizes.push(p.totalBytes), { toLabel: 'spare' });
    expect(copy.image.fingerprint).toBe(agentFp);
    expect(copy.aliases).toEqual([AGENT_IMAGE]);
    expect(copy.image.size).toBe((await getImage(local.client, agentFp)).size);
    expect(sizes.length).toBeGreaterThan(2);
  });
});
