/**
 * A full agent is not wedged: with its disk quota full, Incus alone refuses to start it,
 * to change its config and to delete it (when it holds a nested subvolume, as one made
 * before the seccomp policy existed could). Through Enclave, starting it, raising its
 * limit and deleting it work, and the activity log says how Enclave lifted the quota.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, AgentProgress, LimitsResult } from '../../shared/types.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { containerSubvolume, rescanQuotas } from '../test-support/btrfs-quota.js';
import { nestedSubvolumes } from '../test-support/btrfs-escape.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';

const run = promisify(execFile);

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

describe('a full agent can still be started, have its limit raised and be deleted', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const name = `full-${suffix()}`;
  const progress: AgentProgress[] = [];
  let poolMount = '';
  const activity = () => backend.local.agents.activity.list(name).map((e) => e.message);

  /** Fills the running agent's quota, then stops it. */
  const fill = async () => {
    const out = await incus('exec', name, '--project', project.name, '--', 'sh', '-c',
      `dd if=/dev/zero of=/root/fill-${suffix()} bs=1M count=3000 2>&1; sync`);
    expect(out, 'btrfs did not enforce the size: run scripts/setup-incus.sh').toMatch(/Disk quota exceeded/);
    ok<Agent>(await call('agents.action', { name, action: 'stop', force: true }));
  };
  const refusedByIncus = async (...args: string[]) => {
    const err = await incus(...args, '--project', project.name).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/disk quota exceeded/i);
    return err?.message ?? '';
  };

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'full'));
    // Should a test fail and leave the agent full, the project's teardown could not delete it.
    project.defer(() => incus('config', 'device', 'unset', name, 'root', 'size', '--project', project.name).catch(() => undefined));
    backend.events.on('agents.progress', (p) => progress.push(p));
    backend.start();
    await backend.ready(15_000);
    await rescanQuotas(); // deleting other tests' agents can leave btrfs not enforcing sizes
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    expect(ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { disk: '1GiB' } })).agent.limits.disk).toBe('1GiB');
    const state = JSON.parse(await incus('query', `/1.0/instances/${name}/state?project=${project.name}`)) as { pid: number };
    poolMount = (await containerSubvolume(state.pid)).pool.mountPoint;
    // What an agent could do before the seccomp policy existed: a subvolume inside its own.
    await run('btrfs', ['subvolume', 'create', `${poolMount}/containers/${project.name}_${name}/rootfs/root/sub`]);
    expect(await nestedSubvolumes(poolMount, project.name, name)).toHaveLength(1);
  });

  it('starts a full agent, raising its disk size, and says so', async () => {
    await fill();
    console.log(`full-disk: incus start: ${await refusedByIncus('start', name)}`);
    const agent = ok<Agent>(await call('agents.action', { name, action: 'start' }));
    expect(agent.status).toBe('Running');
    expect(agent.limits.disk).toBe('1280MiB');
    const said = activity().find((m) => m.includes('1GiB → 1280MiB'));
    console.log(`full-disk: activity: ${said}`);
    expect(said).toMatch(/disk was full.*raised its disk size 1GiB → 1280MiB/);
    expect(progress.find((p) => p.name === name && p.detail.includes('1GiB → 1280MiB'))?.stage).toBe('starting');
  });

  it('raises the limit of a full agent, with other limits in the same call', async () => {
    await fill();
    console.log(`full-disk: incus config set: ${await refusedByIncus('config', 'set', name, 'user.probe=1')}`);
    const memoryOnly = await call('agents.setLimits', { agent: name, limits: { memory: '300MiB' } });
    expect(memoryOnly.ok).toBe(false);
    if (!memoryOnly.ok) expect(memoryOnly.error.message).toMatch(/is full \(1280MiB\).*Raise its disk limit/);
    const res = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { disk: '2GiB', memory: '320MiB' } }));
    console.log(`full-disk: setLimits notes: ${res.notes.join(' / ')}`);
    expect(res.agent.limits).toMatchObject({ disk: '2GiB', memory: '320MiB' });
    const shown = await incus('config', 'show', name, '--project', project.name);
    expect(shown).toMatch(/size: 2GiB/);
    expect(shown).toMatch(/limits\.memory: 320MiB/);
    expect(activity().some((m) => m.includes('disk 1280MiB → 2GiB'))).toBe(true);
    expect(ok<Agent>(await call('agents.action', { name, action: 'start' })).limits.disk).toBe('2GiB');
  });

  it('refuses a disk size below what the agent holds, which would wedge it for good', async () => {
    const held = await until('a disk sample of the agent', () => backend.local.telemetry.history(name, 60).at(-1)?.diskBytes ?? undefined, 15_000);
    expect(held).toBeGreaterThan(2 ** 30);
    const res = await call('agents.setLimits', { agent: name, limits: { disk: '1GiB' } });
    expect(res).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!res.ok) expect(res.error.message).toMatch(/holds \d+MiB on its disk; a size of 1GiB is below that/);
    expect(await incus('config', 'show', name, '--project', project.name)).toMatch(/size: 2GiB/);
  });

  it('deletes a full agent holding a nested subvolume, removing its size first, and says so', async () => {
    await fill();
    console.log(`full-disk: incus delete: ${await refusedByIncus('delete', name)}`);
    ok<{ name: string }>(await call('agents.delete', { name }));
    const said = activity().find((m) => m.includes('removed its disk size'));
    console.log(`full-disk: activity: ${said}`);
    expect(said).toContain('2GiB → no size');
    expect(await incus('list', '--project', project.name, '--format', 'csv', '-c', 'n')).not.toContain(name);
    expect(await nestedSubvolumes(poolMount, project.name, name)).toEqual([]);
  });
});
