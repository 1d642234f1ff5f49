import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, LimitsResult } from '../../shared/types.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { breakQuotaAccounting, containerSubvolume, rescanQuotas } from '../test-support/btrfs-quota.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';
import { cgroupName } from './telemetry/cgroup-source.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

describe('resource limits against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const name = `lim-${suffix()}`;
  const cg = (controller: string, file: string) => `/sys/fs/cgroup/${controller}/${cgroupName(project.name, name)}/${file}`;

  beforeAll(async () => {
    project.defer(() => until('incusd to answer', () => project.client.get('/1.0').then(() => true, () => false), 14_000));
    ({ backend } = await testBackend(project, 'lim'));
    backend.start();
    await backend.ready(15_000);
    await backend.settings.update({ defaultLimits: { cpu: '50%', memory: '256MiB', processes: '', disk: '1GiB' } });
  });

  it('applies the default limits at create', async () => {
    const agent = ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    expect(agent.limits).toEqual({ cpu: '50%', memory: '256MiB', processes: '', disk: '1GiB' });
    const shown = await incus('config', 'show', name, '--project', project.name);
    expect(shown).toMatch(/limits\.cpu\.allowance: 50%/);
    expect(shown).toMatch(/limits\.memory: 256MiB/);
    expect(shown).not.toMatch(/limits\.processes/);
    expect(shown).toMatch(/size: 1GiB/);
    expect(Number(await readFile(cg('memory', 'memory.limit_in_bytes'), 'utf8'))).toBe(256 * 1024 ** 2);
  });

  it('changes limits live; empty removes a key', async () => {
    const res = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { memory: '300MiB', processes: '50', cpu: '1' } }));
    expect(res.agent.limits).toMatchObject({ memory: '300MiB', processes: '50', cpu: '1' });
    expect(res.notes.join(' ')).toMatch(/apply now/);
    expect(Number(await readFile(cg('memory', 'memory.limit_in_bytes'), 'utf8'))).toBe(300 * 1024 ** 2);
    expect((await readFile(cg('pids', 'pids.max'), 'utf8')).trim()).toBe('50');
    // Inside, the agent sees its own machine (lxcfs): tools that size themselves by
    // /proc/meminfo or free see the limit, not the host.
    const inside = await incus('exec', name, '--project', project.name, '--', 'grep', 'MemTotal', '/proc/meminfo');
    expect(inside, 'lxcfs is not serving /var/lib/lxcfs: run scripts/setup-incus.sh').toMatch(new RegExp(`MemTotal:\\s+${300 * 1024} kB`));
    const shown = await incus('config', 'show', name, '--project', project.name);
    expect(shown).toMatch(/limits\.cpu: "1"/);
    expect(shown).not.toMatch(/limits\.cpu\.allowance/);

    const cleared = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { memory: '' } }));
    expect(cleared.agent.limits.memory).toBe('');
    expect(Number(await readFile(cg('memory', 'memory.limit_in_bytes'), 'utf8'))).toBeGreaterThan(2 ** 60);
  });

  it('refuses an invalid value before Incus sees it', async () => {
    const reply = await call('agents.setLimits', { agent: name, limits: { memory: 'lots' } });
    expect(reply.ok).toBe(false);
  });

  it('says so while btrfs is not enforcing disk sizes, and stops saying it after a rescan', async () => {
    await rescanQuotas();
    expect(backend.local.quotaHealth.check()).toBeNull();
    const pid = JSON.parse(await incus('query', `/1.0/instances/${name}/state?project=${project.name}`)) as { pid: number };
    const { pool } = await containerSubvolume(pid.pid);
    const undo = await breakQuotaAccounting(pid.pid);
    try {
      const warning = backend.local.quotaHealth.check();
      expect(warning).toContain(`Disk sizes on storage pool ${pool.pool} are not enforced`);
      expect(warning).toContain(`btrfs quota rescan -w ${pool.mountPoint}`);
      const status = backend.local.connection.status;
      expect(status.state === 'connected' && status.warning).toContain('not enforced');
      const res = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { disk: '1GiB' } }));
      expect(res.notes.join(' ')).toContain('are not enforced right now');
    } finally {
      await undo();
    }
    expect(backend.local.quotaHealth.check()).toBeNull();
    const status = backend.local.connection.status;
    expect(status.state === 'connected' ? status.warning : 'not connected').toBeNull();
  });

  it('sets the root disk size as a quota Incus reports, and changes it live', async () => {
    await rescanQuotas(); // deleting other tests' agents can leave btrfs not enforcing sizes
    const total = async () => {
      const state = JSON.parse(await incus('query', `/1.0/instances/${name}/state?project=${project.name}`)) as {
        disk?: { root?: { total?: number } };
      };
      return state.disk?.root?.total;
    };
    expect(await total()).toBe(1024 ** 3);
    // btrfs enforces the size only while its qgroup numbers are consistent, which
    // scripts/setup-incus.sh keeps them.
    const out = await incus('exec', name, '--project', project.name, '--', 'sh', '-c',
      'dd if=/dev/zero of=/root/big bs=1M count=1500 conv=fsync 2>&1; rm -f /root/big; sync');
    console.log(`writing 1500 MiB into a 1GiB root: ${out.trim().split('\n').join(' | ')}`);
    expect(out, 'btrfs let the write pass the size: run scripts/setup-incus.sh, which rescans inconsistent qgroups').toMatch(
      /Disk quota exceeded|No space left on device/,
    );
    const copied = Number(/(\d+) bytes/.exec(out)?.[1] ?? NaN);
    expect(copied).toBeLessThan(1024 ** 3);
    const res = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { disk: '2GiB' } }));
    expect(res.agent.limits.disk).toBe('2GiB');
    expect(res.notes.join(' ')).toMatch(/applies now/);
    expect(await incus('config', 'show', name, '--project', project.name)).toMatch(/size: 2GiB/);
    expect(await total()).toBe(2 * 1024 ** 3);
  });
});
