import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/api.js';
import type { ActivityEntry, Agent, GuardAlert, GuardSettings } from '../../../shared/types.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../../test-support/project.js';
import { testBackend } from '../../test-support/backend.js';
import { rescanQuotas } from '../../test-support/btrfs-quota.js';
import { alertNotifier, type DesktopNotice } from './notifier.js';
import { dispatch } from '../../transport/dispatch.js';
import type { IncusEvent } from '../../incus/events.js';
import type { Backend } from '../backend.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

/** Runs a command in an agent without waiting for it (it is bounded by `timeout` inside). */
function spawnIn(project: string, agent: string, script: string): void {
  const child = execFile('incus', ['exec', agent, '--project', project, '--', 'sh', '-c', script], { timeout: 60_000 }, () => undefined);
  child.stdin?.end();
}

/** Fills `mib` MiB of tmpfs (counted against the memory cgroup); an image without /dev/shm gets one. */
const fillTmpfs = (file: string, mib: number) =>
  `mkdir -p /dev/shm && (mountpoint -q /dev/shm || mount -t tmpfs tmpfs /dev/shm) && dd if=/dev/zero of=/dev/shm/${file} bs=1M count=${mib} 2>/dev/null; sleep 30`;

describe('guard and activity against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const alerts: GuardAlert[] = [];
  const notices: DesktopNotice[] = [];
  const bomb = `gfb-${suffix()}`;
  const mem = `gmem-${suffix()}`;
  const cpu = `gcpu-${suffix()}`;
  const oom = `goom-${suffix()}`;
  const disk = `gdisk-${suffix()}`;
  const firstAlert = (agent: string, rules: string[]) => () => alerts.find((a) => a.agent === agent && a.active && rules.includes(a.rule));

  beforeAll(async () => {
    project.defer(() => until('incusd to answer', () => project.client.get('/1.0').then(() => true, () => false), 14_000));
    ({ backend } = await testBackend(project, 'guard'));
    backend.events.on('guard.alert', (a) => alerts.push(a));
    // What the Electron app shows as OS notifications (main.ts feeds the same notifier).
    backend.events.on('guard.alert', alertNotifier((n) => notices.push(n)));
    backend.start();
    await backend.ready(15_000);
    await backend.settings.update({ defaultLimits: { cpu: '1', memory: '128MiB', processes: '100', disk: '' } });
    await Promise.all([bomb, mem, cpu, oom, disk].map(async (name) => ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }))));
    ok(await call('agents.setLimits', { agent: disk, limits: { disk: '1GiB' } }));
    // Let the agents settle (boot-time process churn) before watching them.
    await new Promise((r) => setTimeout(r, 4000));
  });

  it('flags a fork bomb', async () => {
    const started = Date.now();
    // bash, not sh: dash stops at the first fork the pids limit refuses; bash keeps forking,
    // as a real runaway loop does.
    spawnIn(project.name, bomb, "timeout 8 bash -c 'while :; do sleep 30 </dev/null >/dev/null 2>&1 & done' 2>/dev/null");
    const alert = await until('a fork-bomb or processes-high alert', firstAlert(bomb, ['fork-bomb', 'processes-high']), 10_000);
    expect(alert.message).toContain(bomb);
    expect(ok<GuardAlert[]>(await call('guard.alerts', { agent: bomb })).some((a) => a.id === alert.id)).toBe(true);
    // Both rules see it: the share of the limit, and the climb itself.
    const climb = await until('a fork-bomb alert', firstAlert(bomb, ['fork-bomb']), 10_000);
    console.log(`fork-bomb rule fired ${climb.at - started} ms after the start: ${climb.message}`);
    await call('agents.action', { name: bomb, action: 'stop', force: true });
    // Stopped: its alerts clear.
    await until('the alert to clear', () => alerts.some((a) => a.id === alert.id && !a.active), 5_000);
  });

  it('flags CPU pinned at its 1-core allowance', async () => {
    ok<GuardSettings>(await call('guard.set', { agent: cpu, settings: { cpuPinnedSeconds: 5 } }));
    const started = Date.now();
    spawnIn(project.name, cpu, "timeout 25 sh -c 'while :; do :; done'");
    const alert = await until('a cpu-pinned alert', firstAlert(cpu, ['cpu-pinned']), 15_000).catch((err: unknown) => {
      console.log('cpu samples:', backend.local.telemetry.history(cpu, 20).map((s) => `${s.cpuLimitPercent}/${s.cpuHostPercent}`).join(' '));
      throw err;
    });
    console.log(`cpu-pinned flagged in ${alert.at - started} ms: ${alert.message}`);
    expect(notices).toContainEqual({ title: `Enclave: ${cpu}`, body: alert.message });
    expect(alert.message).toMatch(/1-core allowance for \d+ s/);
    // While it keeps firing, its words follow the numbers (same alert, no new one).
    const later = await until('an update of the cpu-pinned alert', () => alerts.find((a) => a.id === alert.id && a.active && a.message !== alert.message), 6_000);
    expect(later.message).toMatch(/1-core allowance for \d+ s/);
    expect(alerts.filter((a) => a.agent === cpu && a.rule === 'cpu-pinned' && a.active && a.id !== alert.id)).toEqual([]);
    // The update changed the words but raised no second notification.
    expect(notices.filter((n) => n.title === `Enclave: ${cpu}`)).toHaveLength(1);
  });

  it('flags memory near its limit (tmpfs counts), and clears once freed', async () => {
    const started = Date.now();
    spawnIn(project.name, mem, fillTmpfs('x', 120));
    const alert = await until('a memory-high alert', firstAlert(mem, ['memory-high']), 10_000);
    console.log(`memory-high flagged in ${alert.at - started} ms: ${alert.message}`);
    expect(alert.message).toMatch(/memory .* of 128 MiB/);
    await incus('exec', mem, '--project', project.name, '--', 'rm', '-f', '/dev/shm/x');
    await until('memory-high to clear', () => alerts.some((a) => a.id === alert.id && !a.active), 8_000);
    const dismissed = await call('guard.dismiss', { id: alert.id });
    expect(dismissed.ok).toBe(true);
    expect(ok<GuardAlert[]>(await call('guard.alerts', { agent: mem })).some((a) => a.id === alert.id)).toBe(false);
  });

  it('freezes the agent by itself when autoFreeze is on', async () => {
    const settings = ok<GuardSettings>(await call('guard.set', { agent: mem, settings: { autoFreeze: true } }));
    expect(settings.autoFreeze).toBe(true);
    expect(ok<GuardSettings>(await call('guard.get', { agent: mem })).autoFreeze).toBe(true);
    expect(await incus('config', 'get', mem, 'user.enclave.guard.auto-freeze', '--project', project.name)).toMatch(/true/);
    const started = Date.now();
    spawnIn(project.name, mem, fillTmpfs('y', 120));
    const frozen = await until('an alert frozen automatically', () => alerts.find((a) => a.agent === mem && a.action === 'frozen automatically'), 15_000);
    console.log(`auto-frozen in ${Date.now() - started} ms after ${frozen.rule}`);
    expect((await backend.local.agents.reload(mem)).status).toBe('Frozen');
    const log = ok<ActivityEntry[]>(await call('activity.list', { agent: mem }));
    expect(log.some((e) => e.kind === 'guard' && e.actor.kind === 'automatic' && e.actor.by === 'guard-alert')).toBe(true);
    expect(log.filter((e) => e.message === 'frozen')).toEqual([expect.objectContaining({ actor: { kind: 'automatic', by: 'guard-freeze' } })]);
  });

  it('flags an OOM kill inside the agent', async () => {
    const started = Date.now();
    // tail keeps an endless line in memory: the kernel kills it at the 128MiB limit.
    spawnIn(project.name, oom, 'timeout 20 tail /dev/zero');
    const alert = await until('an oom-kill alert', firstAlert(oom, ['oom-kill']), 15_000);
    console.log(`oom-kill flagged in ${alert.at - started} ms: ${alert.message}`);
    expect(alert.message).toMatch(new RegExp(`^${oom}: \\d+ OOM kills?$`));
    expect(ok<GuardAlert[]>(await call('guard.alerts', { agent: oom })).some((a) => a.id === alert.id && a.active)).toBe(true);
  });

  it('flags a disk filling up to its quota within seconds', async () => {
    // btrfs stops counting (and the disk graph stops moving) while its accounting is
    // inconsistent, which deleting other tests' agents can cause; Enclave warns then.
    await rescanQuotas();
    const started = Date.now();
    spawnIn(project.name, disk, 'dd if=/dev/zero of=/root/fill bs=1M count=2000 2>/dev/null; sleep 40');
    const alert = await until('a disk-high alert', firstAlert(disk, ['disk-high']), 20_000).catch((err: unknown) => {
      console.log('disk samples:', backend.local.telemetry.history(disk, 25).map((x) => `${x.diskBytes}/${x.diskLimitBytes}`).join(' '));
      throw err;
    });
    console.log(`disk-high flagged in ${alert.at - started} ms: ${alert.message}`);
    expect(alert.message).toMatch(/disk .* of 1\.0 GiB|disk .* of 1 GiB/);
  });

  /** Resolves once the backend has seen Incus's lifecycle event `action` for `name`. */
  const lifecycleSeen = (action: string, name: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${action} event for ${name} within 15 s`)), 15_000);
      const onEvent = (e: IncusEvent) => {
        if (e.type !== 'lifecycle' || e.metadata.action !== action || !new RegExp(`/instances/${name}([?/]|$)`).test(e.metadata.source)) return;
        clearTimeout(timer);
        backend.local.connection.off('event', onEvent);
        resolve();
      };
      backend.local.connection.on('event', onEvent);
    });

  it('logs who did what: the incus CLI, the user through Enclave (once), and limit changes', async () => {
    await incus('stop', cpu, '--force', '--project', project.name);
    const cli = await until('the CLI stop in the log', () =>
      backend.local.activity.list(cpu).find((e) => e.message === 'stopped' && e.actor.kind !== 'user'),
    );
    expect(cli.actor).toMatchObject({ kind: 'client', protocol: 'unix' });
    // The positive signal that a duplicate had its chance: Incus's own event of the start has
    // reached the backend (and so the activity log, which listens first).
    const startedEvent = lifecycleSeen('instance-started', cpu);
    ok<Agent>(await call('agents.action', { name: cpu, action: 'start' }));
    await startedEvent;
    const starts = ok<ActivityEntry[]>(await call('activity.list', { agent: cpu })).filter((e) => e.message === 'started');
    expect(starts).toEqual([expect.objectContaining({ actor: { kind: 'user' }, kind: 'lifecycle' })]);
    const updatedEvent = lifecycleSeen('instance-updated', cpu);
    await call('agents.setLimits', { agent: cpu, limits: { memory: '256MiB' } });
    await updatedEvent;
    const log = ok<ActivityEntry[]>(await call('activity.list', { agent: cpu, limit: 5 }));
    expect(log.at(-1)).toMatchObject({ kind: 'limits', actor: { kind: 'user' }, message: 'limits changed: memory 128MiB → 256MiB' });
    expect(log.some((e) => e.message === 'configuration changed')).toBe(false);
  });
});
