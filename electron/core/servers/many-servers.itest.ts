/**
 * One Backend over two real daemons: the machine's (in a throwaway project) and a spare incusd
 * of the test's own as the remote "lab". Agents of both in one list, each managed on its own
 * server by ref; the remote's daemon killed and back: the local server never notices, and the
 * remote's agents come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, TelemetrySample } from '../../../shared/types.js';
import type { ServerInfo } from '../../../shared/servers.js';
import { NO_NETWORK } from '../../faults/support-model.js';
import { recordEvents, type Recorder } from '../../test-support/events.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../../test-support/project.js';
import { testBackend } from '../../test-support/backend.js';
import { SpareIncusd, spareIncusdSkipReason } from '../../test-support/spare-incusd.js';
import { TestLink, ok, openTerminal, typeAndWait } from '../../test-support/terminal-link.js';
import { remoteConnection } from '../../test-support/remote-server.js';
import { join } from 'node:path';
import { Backend } from '../backend.js';
import { INCUS_SOCKET } from '../../test-support/project.js';

const skip = spareIncusdSkipReason();

describe.skipIf(skip)(`Many servers in one backend${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const project = useTestProject();
  let spare: SpareIncusd;
  let backend: Backend;
  let rec: Recorder;
  let link: TestLink;
  let configDir: string;
  const local = `here-${suffix()}`;
  const remote = `there-${suffix()}`;
  const server = (name: string): ServerInfo | undefined => backend.registry.info().find((s) => s.name === name);
  const serverState = (name: string) => server(name)?.status.state;

  beforeAll(async () => {
    spare = await SpareIncusd.create({ poolSize: '2GiB' });
    ({ backend, configDir } = await testBackend(project, 'servers', { remoteNetwork: { bridges: false } }));
    rec = recordEvents(backend);
    backend.start();
    await backend.ready(30_000);
    backend.addServer('lab', ...(await remoteConnection(spare)), { network: { bridges: false, blockedLog: false } });
    await until('lab connected', () => serverState('lab') === 'connected', 60_000);
    link = new TestLink(backend.handlers);
  }, 240_000);

  afterAll(async () => {
    rec?.stop();
    await backend?.stop().catch(() => undefined);
    await spare?.destroy();
  }, 180_000);

  it('creates an agent on each server by ref and lists both, each with its server', async () => {
    const a = ok<Agent>(await link.call('agents.create', { name: local, image: AGENT_IMAGE, network: NO_NETWORK }));
    const b = ok<Agent>(await link.call('agents.create', { name: `lab:${remote}`, image: AGENT_IMAGE, network: NO_NETWORK }));
    expect([a.name, a.server]).toEqual([local, 'local']);
    expect([b.name, b.server]).toEqual([`lab:${remote}`, 'lab']);
    expect(await spare.incus('list', '--project', backend.project, '--format=csv', '-c', 'n')).toContain(remote);
    const list = ok<Agent[]>(await link.call('agents.list'));
    expect(list.map((x) => x.name)).toEqual(expect.arrayContaining([local, `lab:${remote}`]));
    expect(rec.of('agents.changed').some((c) => c.kind === 'upsert' && c.agent.name === `lab:${remote}`)).toBe(true);
  }, 180_000);

  it("opens a terminal in the remote agent and runs a command in it", async () => {
    const t = await openTerminal(link, `lab:${remote}`, 'shell', { cols: 80, rows: 24 });
    expect(t.agent).toBe(`lab:${remote}`);
    const out = await typeAndWait(link, t.id, 'hostname', 15_000);
    expect(out).toContain(remote);
    ok(await link.call('terminals.close', { id: t.id }));
  }, 60_000);

  it('snapshots the remote agent on its own server', async () => {
    const snap = ok<{ agent: string; name: string }>(await link.call('snapshots.create', { agent: `lab:${remote}`, name: 'first' }));
    expect(snap).toMatchObject({ agent: `lab:${remote}`, name: 'first' });
    expect(await spare.incus('snapshot', 'list', '--project', backend.project, remote, '--format=csv')).toContain('first');
    const list = ok<{ name: string }[]>(await link.call('snapshots.list', { agent: `lab:${remote}` }));
    expect(list.map((s) => s.name)).toContain('first');
  }, 60_000);

  it('sets limits on the remote agent and clones it on its own server', async () => {
    const limited = ok<{ agent: Agent }>(await link.call('agents.setLimits', { agent: `lab:${remote}`, limits: { memory: '256MiB', processes: '300' } }));
    expect(limited.agent.limits).toMatchObject({ memory: '256MiB', processes: '300' });
    expect((await spare.incus('config', 'get', '--project', backend.project, remote, 'limits.memory')).trim()).toBe('256MiB');
    const elsewhere = await link.call('agents.clone', { source: `lab:${remote}`, name: `twin-${remote}` });
    expect(elsewhere.ok).toBe(false);
    if (!elsewhere.ok) expect(elsewhere.error.message).toMatch(/copy the agent there/);
    const twin = ok<Agent>(await link.call('agents.clone', { source: `lab:${remote}`, name: `lab:twin-${remote}` }));
    expect([twin.name, twin.server, twin.clonedFrom?.agent]).toEqual([`lab:twin-${remote}`, 'lab', `lab:${remote}`]);
    ok(await link.call('agents.delete', { name: `lab:twin-${remote}` }));
  }, 120_000);

  it("samples the remote agent's telemetry", async () => {
    ok(await link.call('telemetry.focus', { agent: `lab:${remote}` }));
    await until(
      'a sample of the remote agent',
      () => rec.of('telemetry.samples').some((b) => b.samples.some((s: TelemetrySample) => s.agent === `lab:${remote}` && s.memoryBytes !== null)),
      30_000,
    );
    const history = ok<TelemetrySample[]>(await link.call('telemetry.history', { agent: `lab:${remote}`, seconds: 60 }));
    expect(history.length).toBeGreaterThan(0);
  }, 60_000);

  it("keeps the local server working while the remote's daemon is dead, and the remote's agents come back", async () => {
    await spare.kill();
    await until('lab unavailable', () => serverState('lab') !== 'connected', 40_000);
    expect(serverState('local')).toBe('connected');
    // The local agent still answers actions; the list still holds the remote agent, from the mirror.
    const stopped = ok<Agent>(await link.call('agents.action', { name: local, action: 'stop', force: true }));
    expect(stopped.status).toBe('Stopped');
    const list = ok<Agent[]>(await link.call('agents.list'));
    expect(list.map((x) => x.name)).toEqual(expect.arrayContaining([local, `lab:${remote}`]));
    const refused = await link.call('snapshots.create', { agent: `lab:${remote}`, name: 'while-down' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('unavailable');
    expect(rec.of('servers.changed').some((l) => l.find((s) => s.name === 'lab')?.status.state === 'unavailable' || l.find((s) => s.name === 'lab')?.status.state === 'connecting')).toBe(true);

    const since = Date.now();
    await spare.start();
    await until('lab connected again', () => serverState('lab') === 'connected', 60_000);
    const reset = await rec.waitFor('agents.changed', (c) => c.kind === 'reset' && c.agents.some((x) => x.name === `lab:${remote}`), 30_000, since);
    // The remote's resync is a reset of the whole grid: the local agents are in it too.
    if (reset.payload.kind === 'reset') expect(reset.payload.agents.map((x) => x.name)).toContain(local);
    const back = ok<{ name: string }[]>(await link.call('snapshots.list', { agent: `lab:${remote}` }));
    expect(back.map((s) => s.name)).toContain('first');
    expect(server('local')?.status.state).toBe('connected');
  }, 180_000);

  it('copies an agent to the other server through the contract, and an image it already has is answered as it is', async () => {
    const copied = ok<Agent>(await link.call('agents.copyTo', { agent: local, server: 'lab', name: `copy-${remote}` }));
    expect([copied.name, copied.server, copied.status]).toEqual([`lab:copy-${remote}`, 'lab', 'Stopped']);
    expect(copied.meta['copied-from']).toBe(local);
    expect(await spare.incus('list', '--project', backend.project, '--format=csv', '-c', 'n')).toContain(`copy-${remote}`);
    const log = ok<{ message: string }[]>(await link.call('activity.list', { agent: `lab:copy-${remote}` }));
    expect(log.some((e) => e.message.startsWith(`copied from ${local}`))).toBe(true);
    const taken = await link.call('agents.copyTo', { agent: local, server: 'lab', name: `copy-${remote}` });
    expect(taken.ok).toBe(false);
    if (!taken.ok) expect(taken.error.code).toBe('conflict');

    const image = (await backend.local.images.list()).find((i) => i.aliases.includes(AGENT_IMAGE));
    expect(image).toBeDefined();
    const there = ok<{ fingerprint: string }>(await link.call('images.copy', { fingerprint: image!.fingerprint, from: 'local', to: 'lab' }));
    expect(there.fingerprint).toBe(image!.fingerprint);
  }, 180_000);

  it('refuses a ref to a server that does not exist, naming the servers', async () => {
    const r = await link.call('snapshots.list', { agent: `nowhere:${remote}` });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/no server named "nowhere".*local, lab/);
    const mount = await link.call('agents.create', {
      name: `lab:mounted-${remote}`,
      image: AGENT_IMAGE,
      network: NO_NETWORK,
      workspace: { mode: 'mount', path: '/tmp', readOnly: true },
    });
    expect(mount.ok).toBe(false);
    if (!mount.ok) expect(mount.error.message).toMatch(/cannot be mounted into an agent on lab/);
  });

  it('adds a server by trust token through the contract, refuses a fingerprint that is not its own, and removes it', async () => {
    const address = `https://127.0.0.1:${spare.httpsPort}`;
    const probe = ok<{ fingerprint: string; auth: string }>(await link.call('servers.probe', { address }));
    expect(probe.auth).toBe('untrusted');
    const wrong = await link.call('servers.add', { name: 'lab2', address, fingerprint: 'ab'.repeat(32) });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/certificate|fingerprint/i);
    expect(server('lab2')).toBeUndefined();

    const token = await spare.trustToken('enclave-it');
    const added = ok<ServerInfo>(await link.call('servers.add', { name: 'lab2', address, token }));
    expect(added).toMatchObject({ name: 'lab2', source: 'enclave', fingerprint: probe.fingerprint, clientCertificate: 'enclave' });
    await until('lab2 connected', () => serverState('lab2') === 'connected', 60_000);
    const list = ok<Agent[]>(await link.call('agents.list'));
    expect(list.map((a) => a.name)).toContain(`lab2:${remote}`);
    const names = ok<ServerInfo[]>(await link.call('servers.list')).map((s) => s.name);
    expect(names).toEqual(['local', 'lab', 'lab2']);
    // Another backend on the same config folder (the app started again) finds it, pinned, and connects.
    const again = new Backend({ project: backend.project, socketPath: INCUS_SOCKET, settingsPath: join(configDir, 'settings.json'), remoteNetwork: { bridges: false } });
    try {
      again.start();
      await until('lab2 back after a restart', () => again.registry.info().find((s) => s.name === 'lab2')?.status.state === 'connected', 60_000);
      expect(again.registry.info().find((s) => s.name === 'lab2')?.fingerprint).toBe(probe.fingerprint);
    } finally {
      await again.stop();
    }

    ok(await link.call('servers.remove', { name: 'lab2' }));
    expect(server('lab2')).toBeUndefined();
    const local = await link.call('servers.remove', { name: 'local' });
    expect(local.ok).toBe(false);
  }, 120_000);
});
