import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentRunStatus } from '../../shared/agent-status.js';
import type { AgentTemplate } from '../../shared/templates.js';
import { getInstance } from '../incus/instances.js';
import { execCommand } from '../incus/exec.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { TEST_AGENT_COMMAND, TEST_AGENT_EXIT } from '../test-support/test-agent.js';
import type { Backend } from './backend.js';

describe('Agents from templates (the real daemon)', () => {
  const project = useTestProject();
  const agent = `tester-${suffix()}`;
  const token = `tok-${randomBytes(12).toString('hex')}`;
  const template: AgentTemplate = {
    id: 'test-agent',
    name: 'Test agent',
    description: 'The test CLI',
    image: AGENT_IMAGE,
    installs: [],
    command: TEST_AGENT_COMMAND,
    env: { TEST_PLAIN: 'plain-value' },
    secrets: [{ anyOf: ['TEST_TOKEN'], optional: false, help: '' }],
    namePrefix: 'tester',
    limits: { cpu: '1', memory: '512MiB', processes: '', disk: '' },
    network: { mode: 'none', allow: [], ingress: '', egress: '' },
    status: 'tmux',
  };
  let backend: Backend;
  let configDir: string;
  let rec: Recorder;
  const run = async (script: string) => (await execCommand(project.client, agent, ['sh', '-c', script])).stdout.toString();
  const stateIs = (state: AgentRunStatus['state']) => (s: AgentRunStatus) => s.agent === agent && s.state === state;

  beforeAll(async () => {
    ({ backend, configDir } = await testBackend(project, 'templates'));
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready();
  });

  it('refuses to create before the secret the template needs is set, naming it', async () => {
    await backend.handlers['templates.save']({ template }, { client: null });
    await expect(backend.handlers['agents.create']({ name: agent, template: template.id }, { client: null })).rejects.toThrow(
      /Test agent needs the secret TEST_TOKEN/,
    );
    expect((await backend.handlers['agents.list']({}, { client: null })).some((a) => a.name === agent)).toBe(false);
  });

  it('creates from the template: its command runs in tmux with its variables and secret, kept on the instance', async () => {
    await backend.handlers['secrets.set']({ name: 'TEST_TOKEN', value: token }, { client: null });
    const created = await backend.handlers['agents.create']({ name: agent, template: template.id }, { client: null });
    expect(created.meta.template).toBe('test-agent');
    expect(created.limits.memory).toBe('512MiB');
    await until('the command prints', async () => (await run('tmux capture-pane -p -t =agent:0.0')).includes('test-agent: starting'), 20_000);
    const pid = (await run("tmux display-message -p -t =agent:0.0 '#{pane_pid}'")).trim();
    const environ = (await run(`tr '\\0' '\\n' < /proc/${pid}/environ`)).split('\n');
    expect(environ).toContain(`TEST_TOKEN=${token}`);
    expect(environ).toContain('TEST_PLAIN=plain-value');
  });

  it('the secret is nowhere else: not in the expanded config, a snapshot, the activity log or the events', async () => {
    const inst = await getInstance(project.client, agent);
    expect(JSON.stringify(inst)).not.toContain(token);
    expect(await incus('config', 'show', '--expanded', `--project=${project.name}`, agent)).not.toContain(token);
    const snap = await backend.handlers['snapshots.create']({ agent, name: 'with-secret' }, { client: null });
    // The snapshot's files on the pool, read from the host: a grep over its whole tree.
    const found = await incus('exec', `--project=${project.name}`, agent, '--', 'sh', '-c', `grep -rls -- ${token} /root /etc /tmp /var/tmp /run 2>/dev/null | head -5; true`);
    expect(found.trim()).toBe('');
    const files = await snapshotFilesContaining(project.name, agent, snap.name, token);
    expect(files).toEqual([]);
    // The same search finds what is there: it can fail.
    expect((await snapshotFilesContaining(project.name, agent, snap.name, 'root:x:0:0:')).some((f) => f.endsWith('/etc/passwd'))).toBe(true);
    expect(JSON.stringify(await backend.handlers['activity.list']({ agent }, { client: null }))).not.toContain(token);
    expect(JSON.stringify(rec.log)).not.toContain(token);
    const secretsFile = await readFile(`${configDir}/secrets.json`, 'utf8');
    expect(secretsFile).toContain('TEST_TOKEN');
  });

  it('reads the status: working, waiting for the answer, working again, exited with its code; restart runs it again', async () => {
    await rec.waitFor('agents.runStatus', stateIs('waiting'), 30_000);
    await run('tmux send-keys -t =agent:0.0 y Enter');
    await rec.waitFor('agents.runStatus', stateIs('working'), 15_000, Date.now() - 1);
    const exited = await rec.waitFor('agents.runStatus', stateIs('exited'), 30_000);
    expect(exited.payload.exitCode).toBe(TEST_AGENT_EXIT);
    expect((await run('tmux capture-pane -p -t =agent:0.0')).includes('test-agent: done')).toBe(true);
    const restarted = await backend.handlers['agents.restartCommand']({ agent }, { client: null });
    expect(restarted.state).not.toBe('exited');
    await until('the command runs again', async () => (await run('tmux capture-pane -p -t =agent:0.0')).includes('test-agent: working 1'), 15_000);
    // The restarted command has its secret again, from the session's environment.
    const pid = (await run("tmux display-message -p -t =agent:0.0 '#{pane_pid}'")).trim();
    expect(await run(`tr '\\0' '\\n' < /proc/${pid}/environ`)).toContain(`TEST_TOKEN=${token}`);
  });

  it('a restart of the agent starts its command again, with the secret', async () => {
    await backend.handlers['agents.action']({ name: agent, action: 'restart', force: true }, { client: null });
    await until('the command prints after the restart', async () => (await run('tmux capture-pane -p -t =agent:0.0').catch(() => '')).includes('test-agent: starting'), 30_000);
    const pid = (await run("tmux display-message -p -t =agent:0.0 '#{pane_pid}'")).trim();
    expect(await run(`tr '\\0' '\\n' < /proc/${pid}/environ`)).toContain(`TEST_TOKEN=${token}`);
  });
});

/** Files of a snapshot's rootfs on the btrfs pool that contain `needle` (grep run on the host). */
async function snapshotFilesContaining(project: string, agent: string, snapshot: string, needle: string): Promise<string[]> {
  const base = `/var/lib/incus/storage-pools/enclave/containers-snapshots/${project}_${agent}/${snapshot}/rootfs`;
  await readdir(base); // fails loudly if the layout is not what this test expects
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('grep', ['-rlsF', '--', needle, base], { maxBuffer: 1 << 20 }, (err, stdout) => {
      // grep exits 1 when nothing matched.
      if (err && (err as NodeJS.ErrnoException & { code?: number }).code !== 1) reject(err);
      else resolve(stdout.split('\n').filter(Boolean));
    });
  });
}
