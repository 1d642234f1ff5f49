/**
 * No way out of the disk limit: root inside an agent cannot make a btrfs subvolume or
 * snapshot (which would sit outside the agent's qgroup and let it fill the pool), by any of
 * the four ioctls, plain, with the upper 32 bits of the request set, or through the i386
 * compat syscall; and a plain write stops at the quota without the pool growing past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, LimitsResult } from '../../shared/types.js';
import { AGENT_IMAGE, incus, suffix, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { containerSubvolume, rescanQuotas } from '../test-support/btrfs-quota.js';
import { EPERM, buildEscapeProgram, nestedSubvolumes, parseEscapeOutput, poolUsedBytes } from '../test-support/btrfs-escape.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';
import { agentSeccompPolicy } from './isolation/seccomp.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

const MiB = 2 ** 20;

describe('disk limit: no way out', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const name = `esc-${suffix()}`;
  const inside = (...cmd: string[]) => incus('exec', name, '--project', project.name, '--', ...cmd);
  let program: Awaited<ReturnType<typeof buildEscapeProgram>>;
  let poolMount = '';
  let pool = '';

  beforeAll(async () => {
    program = await buildEscapeProgram();
    ({ backend } = await testBackend(project, 'esc'));
    backend.start();
    await backend.ready(15_000);
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    const limited = ok<LimitsResult>(await call('agents.setLimits', { agent: name, limits: { disk: '1GiB' } }));
    expect(limited.agent.limits.disk).toBe('1GiB');
    const state = JSON.parse(await incus('query', `/1.0/instances/${name}/state?project=${project.name}`)) as { pid: number };
    ({ mountPoint: poolMount, pool } = (await containerSubvolume(state.pid)).pool);
  });

  afterAll(async () => {
    await program?.cleanup();
  });

  it('creates agents with the policy', async () => {
    expect((await incus('config', 'get', name, 'raw.seccomp', '--expanded', '--project', project.name)).trim()).toBe(agentSeccompPolicy().trim());
  });

  it('refuses every subvolume and snapshot ioctl with EPERM, plain, with the upper bits set and through i386', async () => {
    await incus('file', 'push', program.binary, `${name}/root/escape`, '--project', project.name, '--mode', '0755');
    await inside('mkdir', '-p', '/root/try');
    const tries = parseEscapeOutput(await inside('/root/escape', '/root/try'));
    console.log(`disk-escape: ${tries.map((t) => `${t.ioctl}/${t.route}=${t.errno}`).join(' ')}`);
    expect(tries).toHaveLength(12);
    expect(new Set(tries.map((t) => t.route))).toEqual(new Set(['plain', 'upper-bits', 'i386']));
    expect(tries.filter((t) => t.errno !== EPERM)).toEqual([]);
    expect(await nestedSubvolumes(poolMount, project.name, name)).toEqual([]);
    expect((await inside('ls', '/root/try')).trim()).toBe('');
  });

  it('stops a plain write at the quota, and the pool grows by no more than the quota', async () => {
    await rescanQuotas(); // deleting other tests' agents can leave btrfs not enforcing sizes
    const before = await poolUsedBytes((p) => incus('query', p), pool);
    const out = await inside('sh', '-c', 'dd if=/dev/zero of=/root/big bs=1M count=1500 conv=fsync 2>&1; sync');
    const after = await poolUsedBytes((p) => incus('query', p), pool);
    const copied = Number(/(\d+) bytes/.exec(out)?.[1] ?? NaN);
    const grew = after - before;
    console.log(`disk-escape: write stopped at ${(copied / MiB).toFixed(0)} MiB of a 1024 MiB disk, pool grew ${(grew / MiB).toFixed(0)} MiB: ${out.trim().split('\n').join(' | ')}`);
    expect(out).toMatch(/Disk quota exceeded/);
    expect(copied).toBeLessThan(1024 * MiB);
    // Slack for metadata and other tests writing to the same pool meanwhile.
    expect(grew).toBeLessThan(1024 * MiB + 256 * MiB);
    await inside('rm', '-f', '/root/big');
  });

  it('clones keep the policy', async () => {
    const clone = `${name}-c`;
    await call('agents.action', { name, action: 'stop', force: true });
    ok<Agent>(await call('agents.clone', { source: name, name: clone }));
    expect((await incus('config', 'get', clone, 'raw.seccomp', '--expanded', '--project', project.name)).trim()).toBe(agentSeccompPolicy().trim());
  });
});
