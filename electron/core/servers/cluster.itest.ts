/**
 * Cluster operations against a real two-member Incus cluster formed on this machine
 * (ClusterIncusd): members and their load, placement, moving a stopped agent, evacuation, a
 * stalled member and a dead one. One cluster for the whole file; tests run in order and each
 * leaves both members Online.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterMember } from '../../../shared/servers.js';
import { EnclaveError } from '../../../shared/errors.js';
import { IncusClient } from '../../incus/client.js';
import { changeMemberState, clusterEnabled, listMembers } from '../../incus/cluster.js';
import { dispatcherFor } from '../../incus/endpoint.js';
import { changeState, createInstance, getInstance, listInstances, type Instance } from '../../incus/instances.js';
import { CLUSTER_IMAGE, ClusterIncusd } from '../../test-support/cluster-incusd.js';
import { spareIncusdSkipReason, testClientIdentity } from '../../test-support/spare-incusd.js';
import { readCluster } from './cluster-view.js';
import { moveAgent } from './move-agent.js';
import { Backend } from '../backend.js';
import { NO_NETWORK } from '../../faults/support-model.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'a two-member cluster';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await sleep(500);
  }
}

const byName = (members: ClusterMember[] | null, name: string): ClusterMember => {
  const m = members?.find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name} in ${JSON.stringify(members)}`);
  return m;
};

async function moveError(p: Promise<unknown>): Promise<EnclaveError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EnclaveError) return err;
    throw err;
  }
  throw new Error('the move was not refused');
}

describe.skipIf(skipped)(TITLE, () => {
  let cluster: ClusterIncusd;
  let client: IncusClient;
  let identityDir: string;

  beforeAll(async () => {
    cluster = await ClusterIncusd.create({ poolSize: '2GiB', offlineThresholdSec: 11 });
    client = new IncusClient({ socketPath: cluster.m1.socketPath, project: 'default', timeoutMs: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    if (identityDir) await rm(identityDir, { recursive: true, force: true });
    await cluster?.destroy();
  }, 300_000);

  const create = async (name: string, target?: string, start = false): Promise<Instance> => {
    await createInstance(client, { name, source: { type: 'image', alias: CLUSTER_IMAGE }, profiles: ['default'], start, ...(target ? { target } : {}) });
    return getInstance(client, name);
  };

  const view = async (timeoutMs?: number) => readCluster(client, await listInstances(client), timeoutMs ? { timeoutMs } : {});

  it('lists both members Online with their load and roles', async () => {
    expect(await clusterEnabled(client)).toBe(true);
    const raw = await listMembers(client);
    expect(raw.map((m) => m.server_name).sort()).toEqual(['m1', 'm2']);
    const members = await view();
    for (const name of ['m1', 'm2']) {
      const m = byName(members, name);
      expect(m.status).toBe('Online');
      expect(m.url).toBe(cluster.member(name as 'm1' | 'm2').address);
      expect(m.load).not.toBeNull();
      expect(m.load!.cpus).toBeGreaterThan(0);
      expect(m.load!.memoryTotalBytes).toBeGreaterThan(0);
      expect(m.load!.memoryUsedBytes).toBeLessThanOrEqual(m.load!.memoryTotalBytes);
    }
    expect(byName(members, 'm1').roles).toContain('database-leader');
  });

  it('serves the cluster certificate on each member to a trusted, pinned client', async () => {
    identityDir = await mkdtemp(join(tmpdir(), 'enclave-cluster-id-'));
    const identity = await testClientIdentity(identityDir);
    await cluster.trustCertificate(identity.certPem);
    for (const name of ['m1', 'm2'] as const) {
      const endpoint = await cluster.endpoint(identity, name);
      const dispatcher = dispatcherFor(endpoint);
      try {
        const res = await request(`https://127.0.0.1:${endpoint.port}/1.0`, { dispatcher });
        const body = (await res.body.json()) as { metadata: { auth: string; environment: { server_clustered: boolean; server_name: string } } };
        expect(body.metadata.auth).toBe('trusted');
        expect(body.metadata.environment.server_clustered).toBe(true);
        expect(body.metadata.environment.server_name).toBe(name);
      } finally {
        await dispatcher.close();
      }
    }
  });

  it('creates on the chosen member, or where Incus places it, and counts agents per member', async () => {
    expect((await create('on-m2', 'm2')).location).toBe('m2');
    const placed = await create('placed');
    expect(['m1', 'm2']).toContain(placed.location);
    const members = await view();
    const instances = await listInstances(client);
    for (const name of ['m1', 'm2']) {
      expect(byName(members, name).agents).toBe(instances.filter((i) => i.location === name).length);
    }
    expect(byName(members, 'm2').agents).toBeGreaterThanOrEqual(1);
  });

  it('moves a stopped agent to another member with its files, and refuses a running one', async () => {
    await create('mover', 'm1', true);
    await cluster.incus('exec', 'mover', '--', 'sh', '-c', 'echo kept > /root/proof');

    const running = await moveError(moveAgent(client, 'mover', 'm2'));
    expect(running.code).toBe('conflict');
    expect(running.message).toMatch(/is Running: stop it before moving it to m2/);
    expect((await getInstance(client, 'mover')).location).toBe('m1');

    const unknown = await moveError(moveAgent(client, 'mover', 'm9'));
    expect(unknown.code).toBe('not-found');
    expect(unknown.message).toContain('no member "m9"');
    const missing = await moveError(moveAgent(client, 'no-such-agent', 'm2'));
    expect(missing.code).toBe('not-found');

    await changeState(client, 'mover', 'stop', { force: true });
    const moved = await moveAgent(client, 'mover', 'm2');
    expect(moved.location).toBe('m2');
    expect(moved.status).toBe('Stopped');
    await changeState(client, 'mover', 'start');
    expect((await cluster.incus('exec', 'mover', '--', 'cat', '/root/proof')).trim()).toBe('kept');
    expect(byName(await view(), 'm2').agents).toBeGreaterThanOrEqual(2);
    await changeState(client, 'mover', 'stop', { force: true });
  });

  it('shows an evacuated member as Evacuated, refuses moves to it, and Online again once restored', async () => {
    await changeMemberState(client, 'm2', 'evacuate');
    try {
      const m2 = byName(await view(), 'm2');
      expect(m2.status).toBe('Evacuated');
      expect(m2.agents).toBe(0);
      const placedOnM1 = (await listInstances(client)).find((i) => i.status === 'Stopped');
      if (!placedOnM1) throw new Error('no stopped instance to try a move with');
      const refused = await moveError(moveAgent(client, placedOnM1.name, 'm2'));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toMatch(/Member "m2" is Evacuated/);
    } finally {
      await changeMemberState(client, 'm2', 'restore');
    }
    expect(byName(await view(), 'm2').status).toBe('Online');
  });

  it('answers for the live member while the other is stalled', async () => {
    cluster.m2.pause();
    try {
      const members = await view(2_000);
      expect(byName(members, 'm1').load).not.toBeNull();
      expect(byName(members, 'm2').load).toBeNull();
    } finally {
      cluster.m2.resume();
    }
    await until('m2 back Online', () => view(), (ms) => byName(ms, 'm2').status === 'Online' && byName(ms, 'm2').load !== null);
  });

  it('shows a killed member Offline and still answers for the live one', async () => {
    await create('stays-on-m1', 'm1');
    await cluster.kill('m2');
    try {
      const members = await until('m2 marked Offline', () => view(2_000), (ms) => byName(ms, 'm2').status === 'Offline');
      expect(byName(members, 'm2').load).toBeNull();
      const m1 = byName(members, 'm1');
      expect(m1.status).toBe('Online');
      expect(m1.load).not.toBeNull();
      const refused = await moveError(moveAgent(client, 'stays-on-m1', 'm2'));
      expect(refused.code).toBe('unavailable');
      expect(refused.message).toMatch(/Member "m2" is Offline/);
    } finally {
      await cluster.start('m2');
    }
    await until('m2 back Online', () => view(), (ms) => byName(ms, 'm2').status === 'Online');
  });

  it("serves the cluster through a Backend: members in servers.list, create on a chosen member, move a stopped agent", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enclave-cluster-backend-'));
    const backend = new Backend({
      project: 'enclave-it-cluster',
      socketPath: cluster.m1.socketPath,
      retryMs: 300,
      settingsPath: join(dir, 'settings.json'),
      network: { bridges: false, blockedLog: false },
    });
    try {
      backend.start();
      await backend.ready(60_000);
      const handlers = backend.handlers;
      const ctx = { client: null };
      const members = await until(
        'members in servers.list',
        async () => (await handlers['servers.list']({}, ctx))[0]?.cluster ?? null,
        (ms) => ms !== null && ms.length === 2,
        30_000,
      );
      expect(members?.map((m) => m.status)).toEqual(['Online', 'Online']);
      const agent = await handlers['agents.create']({ name: 'placed', image: CLUSTER_IMAGE, target: 'm2', network: NO_NETWORK }, ctx);
      expect(agent.location).toBe('m2');
      await handlers['agents.action']({ name: 'placed', action: 'stop', force: true }, ctx);
      const moved = await handlers['agents.move']({ agent: 'placed', member: 'm1' }, ctx);
      expect(moved.location).toBe('m1');
      await until('the move counted on m1', async () => (await handlers['servers.list']({}, ctx))[0]?.cluster ?? null, (ms) => byName(ms, 'm1').agents === 1);
      await handlers['agents.delete']({ name: 'placed' }, ctx);
    } finally {
      await backend.stop();
      await cluster.incus('project', 'delete', 'enclave-it-cluster').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
