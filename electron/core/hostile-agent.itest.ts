import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, AgentProgress } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { readFile } from 'node:fs/promises';
import { changeState, getInstanceState } from '../incus/instances.js';
import { containerSubvolume } from '../test-support/btrfs-quota.js';
import { btrfsSysDir } from './telemetry/btrfs-quota.js';
import { cgroupName } from './telemetry/cgroup-source.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { TestLink } from '../test-support/terminal-link.js';
import type { Backend } from './backend.js';

const MiB = 1024 * 1024;
/** What the backend may grow by while an agent floods it. */
const RSS_BUDGET = 100 * MiB;

/**
 * An agent that turns against Enclave's own commands: its /usr/bin/tmux replaced by a script
 * that floods (`exec cat /dev/zero`) or hangs (`exec sleep infinity`). The backend's memory
 * stays bounded, its calls end with a clear error, and Stop, Freeze and Delete go through while
 * the hostile helper hangs.
 */
describe('a hostile agent against Enclave’s own commands', () => {
  const project = useTestProject();
  let backend: Backend;
  let rec: Recorder;
  const call = (method: string, args: unknown = {}, link?: TestLink) =>
    link ? link.call(method, args) : new TestLink(backend.handlers).call(method, args);
  const ok = <T>(reply: Reply): T => {
    if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
    return reply.result as T;
  };

  /** Replaces the agent's tmux with a script (run as root inside, as the agent could). */
  const plantTmux = async (agent: string, body: string) => {
    const script = new TextEncoder().encode(`#!/bin/sh\n${body}\n`);
    const r = await execCommand(project.client, agent, ['sh', '-c', 'p=$(command -v tmux); cat > "$p.new" && chmod 755 "$p.new" && mv -f "$p.new" "$p"'], { stdin: script });
    expect(r.exitCode, r.stderr.toString()).toBe(0);
  };
  const sleeping = (agent: string) =>
    execCommand(project.client, agent, ['sh', '-c', 'ps -eo args | grep -qx "sleep infinity"']).then((r) => r.exitCode === 0, () => false);

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'hostile'));
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready(15_000);
  });

  it('a tmux that floods: the terminal and a restart end with a clear error, the backend’s memory stays bounded', async () => {
    const agent = `flood-${suffix()}`;
    ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE }));
    await plantTmux(agent, 'exec cat /dev/zero');

    // Watch the backend's memory; past the budget, stop the agent from outside Enclave so a
    // failing run ends instead of taking the machine's memory.
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const watch = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      if (peak - base > RSS_BUDGET) void changeState(project.client, agent, 'stop', { force: true }).catch(() => undefined);
    }, 20);
    try {
      const link = new TestLink(backend.handlers);
      const opened = await call('terminals.open', { agent, kind: 'agent', cols: 80, rows: 24 }, link);
      expect(opened.ok).toBe(false);
      if (!opened.ok) {
        expect(opened.error.code).toBe('unavailable');
        expect(opened.error.message).toMatch(/^Could not open the terminal of .*: its tmux session did not start \(the agent's tmux printed more than 64 KiB and was stopped\)\.$/);
      }
      expect((peak - base) / MiB, 'backend RSS growth in MiB').toBeLessThan(RSS_BUDGET / MiB);

      const since = Date.now();
      const restarted = ok<Agent>(await call('agents.action', { name: agent, action: 'restart' }));
      expect(restarted.status).toBe('Running');
      const note = await rec.waitFor('agents.progress', (p) => p.name === agent && /tmux/.test(p.detail), 30_000, since);
      const progress: AgentProgress = note.payload;
      expect(progress.detail).toMatch(/^Running, but its tmux session did not start/);
      // Enclave's own words carry none of the agent's bytes; what the agent printed is quoted apart, bounded.
      expect(progress.detail).not.toContain('\0');
      expect((progress.agentOutput ?? '').length).toBeLessThanOrEqual(500);
      expect((peak - base) / MiB, 'backend RSS growth in MiB').toBeLessThan(RSS_BUDGET / MiB);
    } finally {
      clearInterval(watch);
    }
    console.log(`hostile flood: backend RSS grew ${((peak - base) / MiB).toFixed(1)} MiB at most`);
  });

  it('a tmux that hangs: Freeze, Stop and Delete go through while it hangs, and the restart ends with a clear error', async () => {
    const agent = `hang-${suffix()}`;
    ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE }));
    await plantTmux(agent, 'exec sleep infinity');

    const since = Date.now();
    const restart = call('agents.action', { name: agent, action: 'restart' });
    // The status reader runs tmux inside the agent too (and hangs on it, bounded): wait for the
    // restart itself to reach its tmux start, not for any hanging tmux.
    await until(
      'the restart to start the agent and its tmux to hang',
      async () => {
        const a = backend.local.agents.cached().find((x) => x.name === agent);
        return a?.status === 'Running' && a.lastStartedAt !== null && Date.parse(a.lastStartedAt) >= since - 1_000 && (await sleeping(agent));
      },
      60_000,
    );

    const frozen = await call('agents.action', { name: agent, action: 'freeze' });
    expect(frozen.ok ? 'ok' : `${frozen.error.code}: ${frozen.error.message}`).toBe('ok');
    expect(ok<Agent>(frozen).status).toBe('Frozen');
    expect(ok<Agent>(await call('agents.action', { name: agent, action: 'unfreeze' })).status).toBe('Running');

    // The restart itself ends, with Enclave's own sentence about the tmux that did not answer.
    const restarted = await restart;
    expect(restarted.ok).toBe(true);
    const note = await rec.waitFor('agents.progress', (p) => p.name === agent && /tmux/.test(p.detail), 30_000, since);
    expect(note.payload.detail).toMatch(/^Running, but its tmux session did not start .*(did not answer|timed out)/);

    // Hanging again: Stop goes through. (Incus kills the command Enclave ran, not what it
    // started: the agent's own sleep stays until it is ended here.)
    await execCommand(project.client, agent, ['sh', '-c', 'pkill -x sleep; true']);
    await until('the hostile tmux to be gone', async () => !(await sleeping(agent)), 30_000);
    const restart2 = call('agents.action', { name: agent, action: 'restart' });
    await until('the hostile tmux to hang again', () => sleeping(agent), 60_000);
    const stopped = await call('agents.action', { name: agent, action: 'stop', force: true });
    expect(stopped.ok ? 'ok' : `${stopped.error.code}: ${stopped.error.message}`).toBe('ok');
    expect(ok<Agent>(stopped).status).toBe('Stopped');
    await restart2;

    // And once more: Delete goes through.
    const start = call('agents.action', { name: agent, action: 'start' });
    await until('the hostile tmux to hang a third time', () => sleeping(agent), 60_000);
    const deleted = await call('agents.delete', { name: agent });
    expect(deleted.ok ? 'ok' : `${deleted.error.code}: ${deleted.error.message}`).toBe('ok');
    await start;
    expect(ok<Agent[]>(await call('agents.list')).some((a) => a.name === agent)).toBe(false);
  });

  it('the guard takes the init pid from Incus: a decoy first in the agent’s cgroup.procs does not hide its disk use', async () => {
    const agent = `decoy-${suffix()}`;
    ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE }));
    // A decoy in its own mount namespace, its root a tmpfs; every other process moved into a
    // child cgroup, so the decoy is what the agent's own cgroup.procs lists.
    const decoy =
      'unshare -m sh -c "mkdir -p /tmp/r && mount -t tmpfs none /tmp/r && mkdir /tmp/r/old /tmp/r/bin && cp /bin/busybox /tmp/r/bin/ && ' +
      'cd /tmp/r && pivot_root . old && exec /bin/busybox sh -c \\"/bin/busybox umount -l /old; exec /bin/busybox sleep 100000\\"" </dev/null >/dev/null 2>&1 & ' +
      'sleep 1; d=$(ps -eo pid,args | awk \'$2 == "/bin/busybox" && $3 == "sleep" { print $1 }\'); [ -n "$d" ] || exit 9; ' +
      'mkdir -p /tmp/cg && mount -t cgroup -o pids none /tmp/cg && mkdir -p /tmp/cg/hide && ' +
      'for p in $(cat /tmp/cg/cgroup.procs); do [ "$p" = "$d" ] || echo "$p" > /tmp/cg/hide/cgroup.procs 2>/dev/null; done; true';
    const planted = await execCommand(project.client, agent, ['sh', '-c', decoy]);
    expect(planted.exitCode, planted.stderr.toString()).toBe(0);
    const procs = (await readFile(`/sys/fs/cgroup/pids/${cgroupName(project.name, agent)}/cgroup.procs`, 'utf8')).trim().split('\n');
    const { pid } = await getInstanceState(project.client, agent);
    expect(procs[0], 'the decoy is first in the agent’s cgroup.procs').not.toBe(String(pid));

    // What btrfs counts against the agent's quota: its real root's qgroup.
    const { pool, subvolid } = await containerSubvolume(pid);
    const sys = btrfsSysDir(pool.device);
    expect(sys).not.toBeNull();
    const referenced = async () => Number(await readFile(`${sys}/qgroups/0_${subvolid}/referenced`, 'utf8'));

    // A backend that meets the agent as it is now (no pid cached from before the decoy).
    const { backend: fresh } = await testBackend(project, 'hostile-pid');
    fresh.start();
    await fresh.ready(15_000);
    fresh.local.telemetry.focus(null, agent);
    const sample = await until(
      'a sample with the disk use of the agent’s real root',
      async () => {
        const last = fresh.local.telemetry.history(agent, 5).at(-1);
        const real = await referenced();
        return last?.diskBytes != null && Math.abs(last.diskBytes - real) <= real * 0.01 ? last : false;
      },
      20_000,
    ).catch((err: unknown) => {
      console.log('samples:', fresh.local.telemetry.history(agent, 30).map((s) => s.diskBytes));
      throw err;
    });
    expect(sample.diskBytes).toBeGreaterThan(0);
    await fresh.stop();
  });
});
