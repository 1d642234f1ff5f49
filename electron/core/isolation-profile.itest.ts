/**
 * Enclave's own profile against the real daemon: agents never get a default profile's
 * devices, an instance made with the incus CLI that holds a host-path disk is flagged and
 * fixed, the project is restricted once nothing in it conflicts, and then refuses a host-path
 * disk from the CLI while Enclave's own work (limits, snapshots, clones, restore, exec) goes on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, AgentChangeResult, LimitsResult, Snapshot } from '../../shared/types.js';
import type { Instance } from '../incus/instances.js';
import { getProject } from '../incus/projects.js';
import { Backend as BackendClass } from './backend.js';
import { isolatedSettingsPath } from '../test-support/backend.js';
import { INCUS_SOCKET, destroyProject } from '../test-support/project.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

describe("Enclave's profile against the real daemon", () => {
  const project = useTestProject();
  let backend: Backend;
  let hostDir: string;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const drifted = `cli-${suffix()}`;
  const agent = `prof-${suffix()}`;
  const inProject = (...args: string[]) => incus(...args, '--project', project.name);
  const instance = (name: string) => project.client.get<Instance>(`/1.0/instances/${name}`);
  const warning = () => (backend.local.connection.status.state === 'connected' ? backend.local.connection.status.warning : undefined);

  beforeAll(async () => {
    hostDir = await mkdtemp(join(tmpdir(), 'enclave-prof-it-'));
    project.defer(() => rm(hostDir, { recursive: true, force: true }));
    // What a user of an older Enclave may have: an instance made with the CLI holding a
    // host-path disk, and a host-path disk in the project's default profile. Made before
    // Enclave connects, as the project is not restricted yet.
    await inProject('create', AGENT_IMAGE, drifted);
    await inProject('config', 'device', 'add', drifted, 'hd', 'disk', `source=${hostDir}`, 'path=/mnt/host');
    await inProject('profile', 'device', 'add', 'default', 'extra', 'disk', `source=${hostDir}`, 'path=/mnt/extra', 'readonly=true');
    ({ backend } = await testBackend(project, 'prof'));
    backend.start();
    await backend.ready(20_000);
  });

  it('says the project is not restricted, naming the instance and profile in the way', async () => {
    const w = warning() ?? '';
    // Other warnings (the pool's quota accounting) may stand beside it.
    expect(w).toContain(`Project "${project.name}" is not restricted while `);
    expect(w).toContain(`agent "${drifted}" has a host-path disk "hd" (${hostDir})`);
    expect(w).toMatch(/profile "default" has a host-path disk "extra"/);
    expect((await getProject(project.client, project.name)).config.restricted ?? 'false').toBe('false');
  });

  it('(a) an agent gets Enclave’s profile, never a default profile’s device', async () => {
    // The project's default profile holds a host-path disk ("extra", see beforeAll): the CLI
    // instance gets it, the agent must not.
    const created = ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE }));
    expect(created.isolation).toEqual([]);
    const inst = await instance(agent);
    expect(inst.profiles).toEqual(['enclave']);
    // Its root disk, and the NIC its network policy (restricted, the default) gives it.
    expect(Object.keys(inst.expanded_devices ?? {}).sort()).toEqual(['eth0', 'root']);
    expect(inst.expanded_devices?.eth0).toMatchObject({ type: 'nic', network: 'enclave-restr' });
    expect(inst.expanded_devices?.root).toMatchObject({ type: 'disk', path: '/', pool: expect.any(String) as string });
    expect(inst.expanded_config).toMatchObject({
      'security.privileged': 'false',
      'security.idmap.isolated': 'true',
      'security.nesting': 'false',
      'security.guestapi': 'false',
    });
    expect(inst.expanded_config?.['raw.lxc']).toBeUndefined();
    // Its own id range: not the 1000000 base every shared container starts at.
    const map = inst.config['volatile.idmap.current'] ?? '';
    expect(map).not.toMatch(/"Hostid":1000000,/);
  });

  it('(b) flags the CLI instance’s host-path disk on its Agent; a clone carries it and is flagged too', async () => {
    const agents = ok<Agent[]>(await call('agents.list'));
    const cli = agents.find((a) => a.name === drifted);
    expect(cli?.managed).toBe(false);
    expect(cli?.isolation).toContainEqual({ kind: 'host-disk', item: 'hd', value: hostDir, fix: 'removes the host-path disk', needsRestart: false });
    expect(cli?.isolation.map((p) => p.kind)).toEqual(expect.arrayContaining(['host-disk', 'profile', 'idmap-shared', 'guest-api']));
    // The default profile's host-path disk reaches the CLI instance, never the agent.
    expect(cli?.isolation.find((p) => p.item === 'extra')?.kind).toBe('host-disk');
    expect(agents.find((a) => a.name === agent)?.isolation).toEqual([]);

    const copy = `${drifted}-c`;
    const clone = ok<Agent>(await call('agents.clone', { source: drifted, name: copy }));
    expect(clone.isolation.map((p) => `${p.kind}:${p.item}`)).toEqual(expect.arrayContaining(['host-disk:hd', 'profile:profiles']));
    const fixed = ok<AgentChangeResult>(await call('agents.fixIsolation', { agent: copy }));
    expect(fixed.agent.isolation).toEqual([]);
  });

  it('(b) agents.fixIsolation removes it, and the flag goes', async () => {
    const res = ok<AgentChangeResult>(await call('agents.fixIsolation', { agent: drifted }));
    expect(res.agent.isolation).toEqual([]);
    expect(res.notes).toContain(`hd (${hostDir}): removes the host-path disk.`);
    const inst = await instance(drifted);
    expect(inst.profiles).toEqual(['enclave']);
    expect(inst.devices.hd).toBeUndefined();
    expect(Object.keys(inst.expanded_devices ?? {})).toEqual(['root']);
    expect(inst.expanded_config?.['security.idmap.isolated']).toBe('true');
    const shown = ok<Agent[]>(await call('agents.list')).find((a) => a.name === drifted);
    expect(shown?.isolation).toEqual([]);
    const log = ok<{ message: string }[]>(await call('activity.list', { agent: drifted }));
    expect(log.map((e) => e.message).join('\n')).toMatch(/isolation fixed: .*hd/);
  });

  it('restricts the project once nothing in it conflicts', async () => {
    // The default profile still holds "extra": the warning now names only it.
    expect(warning() ?? '').not.toMatch(/host-path disk "hd"/);
    expect(warning() ?? '').toMatch(/profile "default" has a host-path disk "extra"/);
    await inProject('profile', 'device', 'remove', 'default', 'extra');
    await until('the project to be restricted', async () => (await getProject(project.client, project.name)).config.restricted === 'true', 15_000);
    await until('the restriction warning to go', () => !(warning() ?? '').includes('is not restricted'));
    const config = (await getProject(project.client, project.name)).config;
    expect(config).toMatchObject({ 'restricted.devices.disk': 'managed', 'restricted.containers.nesting': 'block', 'restricted.snapshots': 'allow' });
  });

  it('(c) the restricted project refuses a host-path disk, nesting and privilege from the CLI', async () => {
    await expect(inProject('config', 'device', 'add', agent, 'hd2', 'disk', `source=${hostDir}`, 'path=/mnt/x')).rejects.toThrow(/not backed by a pool is forbidden/);
    await expect(inProject('profile', 'device', 'add', 'enclave', 'hd3', 'disk', `source=${hostDir}`, 'path=/mnt/y')).rejects.toThrow(/not backed by a pool is forbidden/);
    await expect(inProject('config', 'set', agent, 'security.nesting=true')).rejects.toThrow(/nesting is forbidden/);
    await expect(inProject('config', 'set', agent, 'security.privileged=true')).rejects.toThrow(/Privileged containers are forbidden/);
    await expect(inProject('config', 'device', 'add', agent, 'tty', 'unix-char', 'path=/dev/ttyX', 'source=/dev/null')).rejects.toThrow(/forbidden/);
    expect((await instance(agent)).devices.hd2).toBeUndefined();
  });

  it('Enclave’s own work still goes in the restricted project: limits, snapshot, clone, restore, exec', async () => {
    const limits = ok<LimitsResult>(await call('agents.setLimits', { agent, limits: { memory: '300MiB', disk: '2GiB' } }));
    expect(limits.agent.limits).toMatchObject({ memory: '300MiB', disk: '2GiB' });
    const snap = ok<Snapshot>(await call('snapshots.create', { agent, name: 'base' }));
    expect(snap.name).toBe('base');
    const clone = ok<Agent>(await call('agents.clone', { source: agent, snapshot: 'base', name: `${agent}-c` }));
    expect(clone.status).toBe('Running');
    expect(clone.isolation).toEqual([]);
    ok(await call('snapshots.restore', { agent, name: 'base' }));
    expect((await incus('exec', '--project', project.name, agent, '--', 'echo', 'inside')).trim()).toBe('inside');
  });

  it('undoes a change of its profile (profile-updated event)', async () => {
    await inProject('profile', 'set', 'enclave', 'raw.lxc=lxc.apparmor.profile=unconfined');
    await until('Enclave to rewrite its profile', async () => (await inProject('profile', 'show', 'enclave')).includes('raw.lxc') === false, 15_000);
    // The agents were re-read: none shows the raw.lxc it held for a moment.
    await until('the agents to be clean', () => backend.local.agents.cached().every((a) => a.isolation.length === 0), 15_000);
  });

  it('an older project sharing the default project’s profiles: Enclave’s profile there, and a warning', async () => {
    const old = `${project.name}-old`;
    const hadProfile = (await incus('profile', 'list', '--project', 'default', '-f', 'csv')).split('\n').some((l) => l.startsWith('enclave,'));
    // What an older Enclave made: no profiles of its own, and an agent in it already.
    await incus('project', 'create', old, '-c', 'features.images=false', '-c', 'features.profiles=false', '-c', 'features.storage.volumes=false');
    project.defer(async () => {
      await destroyProject(project.client, old);
      if (!hadProfile) await incus('profile', 'delete', 'enclave', '--project', 'default').catch(() => undefined);
    });
    await incus('create', AGENT_IMAGE, 'older', '--project', old);
    const legacy = new BackendClass({ project: old, socketPath: INCUS_SOCKET, retryMs: 300, settingsPath: isolatedSettingsPath(project, 'prof-old') });
    project.defer(() => legacy.stop());
    legacy.start();
    await legacy.ready(20_000);
    const status = legacy.local.connection.status;
    expect(status.state === 'connected' && status.warning).toMatch(/shares the default project's profiles/);
    const made = await dispatch(legacy.handlers, 'agents.create', { name: 'newer', image: AGENT_IMAGE });
    expect(ok<Agent>(made).isolation).toEqual([]);
    expect((await project.client.withProject(old).get<Instance>('/1.0/instances/newer')).profiles).toEqual(['enclave']);
    const older = ok<Agent[]>(await dispatch(legacy.handlers, 'agents.list', {})).find((a) => a.name === 'older');
    expect(older?.isolation.map((p) => p.kind)).toContain('profile');
  });
});
