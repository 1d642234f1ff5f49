/**
 * Who runs a mount-mode agent, against the real daemon: its sessions (the template's tmux
 * session, the agent tab, shell tabs, a restart of its command, the status probe) run as the
 * mounted folder's owner (uid 1000 here), so what the agent makes in the folder is the user's on
 * the host: no root-owned setuid file, no root-owned folder in .git that breaks the user's
 * next commit, and Enclave's own reads of the work write nothing into the user's .git. A folder
 * owned by root is refused. Copy mode and plain agents keep running as root (terminals.itest).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/api.js';
import type { AgentRunStatus } from '../../../shared/agent-status.js';
import type { Agent, AgentChangeResult } from '../../../shared/types.js';
import type { AgentTemplate } from '../../../shared/templates.js';
import type { FileDiff, WorkspaceChanges } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { testBackend } from '../../test-support/backend.js';
import { recordEvents, type Recorder } from '../../test-support/events.js';
import { git, makeRepo } from '../../test-support/git-repo.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../../test-support/project.js';
import { TestLink, openTerminal, typeAndWait } from '../../test-support/terminal-link.js';
import { TEST_AGENT_COMMAND, TEST_AGENT_EXIT } from '../../test-support/test-agent.js';
import { dispatch } from '../../transport/dispatch.js';
import type { Backend } from '../backend.js';
import { SESSION_HOME } from '../session-user.js';

const USER_UID = 1000;

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

function userRepo(files: Record<string, string>): string {
  const dir = makeRepo(files, { prefix: 'enclave-mountuser-it-' });
  execFileSync('chown', ['-R', `${USER_UID}:${USER_UID}`, dir]);
  return dir;
}

/** Every path under `dir` with its owner and mode, to see what appeared or changed hands. */
function listing(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      out.set(relative(dir, p), `${s.uid}:${s.gid}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** Paths under `dir` owned by root. */
const rootOwned = (dir: string) => [...listing(dir)].filter(([, o]) => o.startsWith('0:')).map(([p]) => p);

/** A command run on the host as uid/gid 1000 with no other groups, as the desktop user would. */
function asHostUser(cmd: string[], cwd: string) {
  const r = spawnSync('setpriv', [`--reuid=${USER_UID}`, `--regid=${USER_UID}`, '--clear-groups', ...cmd], {
    cwd,
    env: { PATH: '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' },
    encoding: 'utf8',
  });
  return { code: r.status, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

describe.skipIf(process.getuid?.() !== 0)('mount mode runs the agent as the folder owner', () => {
  const project = useTestProject();
  let backend: Backend;
  let client: IncusClient;
  let rec: Recorder;
  const reply = (method: string, args: unknown = {}): Promise<Reply> => dispatch(backend.handlers, method, args);
  const call = async (method: string, args: unknown = {}): Promise<unknown> => ok<unknown>(await reply(method, args));
  const folders: string[] = [];
  const tpl = `mu-tpl-${suffix()}`;
  const plain = `mu-plain-${suffix()}`;
  const late = `mu-late-${suffix()}`;
  let repo: string;
  let lateRepo: string;
  const template: AgentTemplate = {
    id: 'mount-user-agent',
    name: 'Mount user agent',
    description: 'The test CLI',
    image: AGENT_IMAGE,
    installs: [],
    command: TEST_AGENT_COMMAND,
    env: {},
    secrets: [],
    namePrefix: 'mu',
    limits: { cpu: '1', memory: '512MiB', processes: '', disk: '' },
    network: { mode: 'none', allow: [], ingress: '', egress: '' },
    status: 'tmux',
  };
  const stateIs = (state: AgentRunStatus['state']) => (s: AgentRunStatus) => s.agent === tpl && s.state === state;

  /** A shell line run in the agent as the session's user (uid 1000, its home): as the agent would. */
  const asUser = async (agent: string, line: string) => {
    const r = await execCommand(client, agent, ['sh', '-c', line], {
      user: USER_UID,
      group: USER_UID,
      cwd: SESSION_HOME,
      environment: { HOME: SESSION_HOME },
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
    });
    return { code: r.exitCode, out: r.stdout.toString('utf8').trim() };
  };
  const asRoot = async (agent: string, line: string) => {
    const r = await execCommand(client, agent, ['sh', '-c', line], { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
    return { code: r.exitCode, out: r.stdout.toString('utf8').trim() };
  };

  beforeAll(async () => {
    project.defer(() => {
      for (const f of folders) rmSync(f, { recursive: true, force: true });
    });
    repo = userRepo({ 'a.txt': 'from the host\n' });
    lateRepo = userRepo({ 'late.txt': 'later\n' });
    folders.push(repo, lateRepo);
    ({ backend } = await testBackend(project, 'mountuser'));
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    project.defer(() => backend.stop());
    backend.start();
    await backend.ready(15_000);
    client = backend.local.connection.requireClient();
    await call('templates.save', { template });
    // Two agents on the same folder (allowed): one runs the template's command, one a shell.
    const mount = { mode: 'mount', path: repo, readOnly: false };
    await Promise.all([
      call('agents.create', { name: tpl, template: template.id, workspace: mount }),
      call('agents.create', { name: plain, image: AGENT_IMAGE, workspace: mount }),
      call('agents.create', { name: late, image: AGENT_IMAGE }),
    ]);
  });

  it("records the folder's owner on the agent and says whom its sessions run as", async () => {
    const agent = (await call('agents.list')) as Agent[];
    expect(agent.find((a) => a.name === plain)?.workspace?.owner).toEqual({ uid: USER_UID, gid: USER_UID });
    const meta = JSON.parse(execFileSync('incus', ['query', `/1.0/instances/${plain}?project=${project.name}`]).toString()) as { config: Record<string, string> };
    expect(meta.config['user.enclave.workspace.uid']).toBe('1000');
    expect(meta.config['user.enclave.workspace.gid']).toBe('1000');
    // The user exists inside, with its home, and no sudo.
    expect((await asRoot(plain, `getent passwd ${USER_UID}`)).out).toBe(`dev:x:1000:1000::${SESSION_HOME}:/bin/bash`);
    expect((await asRoot(plain, `stat -c %u:%g ${SESSION_HOME}`)).out).toBe('1000:1000');
    expect((await asRoot(plain, 'command -v sudo || echo none')).out).toBe('none');
  });

  it("runs the template's command in a tmux session of uid 1000, which the status probe reads; a restart runs it as 1000 again", async () => {
    // Root's tmux has no session: the one there is the user's (its server is per uid).
    expect((await asRoot(tpl, 'tmux has-session -t =agent 2>/dev/null; echo $?')).out).toBe('1');
    const pid = async () => (await asUser(tpl, "tmux display-message -p -t =agent:0.0 '#{pane_pid}'")).out;
    await until('the user has the session', async () => /^\d+$/.test(await pid()), 20_000);
    expect((await asRoot(tpl, `stat -c %u /proc/${await pid()}`)).out).toBe('1000');
    await rec.waitFor('agents.runStatus', stateIs('waiting'), 30_000);
    await asUser(tpl, 'tmux send-keys -t =agent:0.0 y Enter');
    await rec.waitFor('agents.runStatus', stateIs('working'), 15_000, Date.now() - 1);
    const exited = await rec.waitFor('agents.runStatus', stateIs('exited'), 30_000);
    // Both ways the status has it: tmux's dead pane, and the exit file the user's command wrote.
    expect(exited.payload.exitCode).toBe(TEST_AGENT_EXIT);
    expect((await asRoot(tpl, 'stat -c %u /run/enclave/exit && cat /run/enclave/exit')).out).toBe(`1000\n${TEST_AGENT_EXIT}`);
    const restarted = (await call('agents.restartCommand', { agent: tpl })) as AgentRunStatus;
    expect(restarted.state).not.toBe('exited');
    await until('the command runs again', async () => (await asUser(tpl, 'tmux capture-pane -p -t =agent:0.0')).out.includes('test-agent: working 1'), 15_000);
    expect((await asRoot(tpl, `stat -c %u /proc/${await pid()}`)).out).toBe('1000');
    expect((await asRoot(tpl, 'tmux has-session -t =agent 2>/dev/null; echo $?')).out).toBe('1');
  });

  it("after a rollback to a snapshot whose passwd lacks the user, the session runs as the owner again and the status reads it", async () => {
    // As a snapshot from before the user was made would have it.
    expect((await asRoot(tpl, "sed -i '/^dev:/d' /etc/passwd /etc/group /etc/shadow /etc/gshadow 2>/dev/null; rm -rf /home/dev; getent passwd 1000 || echo gone")).out).toBe('gone');
    ok(await reply('snapshots.create', { agent: tpl, name: 'no-user' }));
    const since = Date.now();
    ok(await reply('snapshots.restore', { agent: tpl, name: 'no-user' }));
    await until('the user has the session again', async () => (await asUser(tpl, 'tmux has-session -t =agent 2>/dev/null; echo $?').catch(() => ({ out: '' }))).out === '0', 30_000);
    expect((await asRoot(tpl, `getent passwd ${USER_UID}; stat -c %u:%g ${SESSION_HOME}`)).out).toBe(`dev:x:1000:1000::${SESSION_HOME}:/bin/bash\n1000:1000`);
    const pid = (await asUser(tpl, "tmux display-message -p -t =agent:0.0 '#{pane_pid}'")).out;
    expect((await asRoot(tpl, `stat -c %u /proc/${pid}`)).out).toBe('1000');
    await rec.waitFor('agents.runStatus', stateIs('waiting'), 30_000, since);
  });

  it('runs the agent tab and a shell tab as uid 1000 with its home, in /workspace', async () => {
    const link = new TestLink(backend.handlers);
    const shell = await openTerminal(link, plain, 'shell');
    const shellSays = await typeAndWait(link, shell.id, 'echo "ID[$(id -u):$(id -g)] HOME[$HOME] PWD[$(pwd)]"');
    expect(shellSays).toContain(`ID[1000:1000] HOME[${SESSION_HOME}] PWD[/workspace]`);
    const tab = await openTerminal(link, plain, 'agent');
    expect(tab.persistent).toBe(true);
    expect(await typeAndWait(link, tab.id, 'echo "ID[$(id -u):$(id -g)] HOME[$HOME]"')).toContain(`ID[1000:1000] HOME[${SESSION_HOME}]`);
    ok(await reply('terminals.close', { id: shell.id }));
    ok(await reply('terminals.close', { id: tab.id }));
  });

  it("makes files the user's on the host: a setuid copy of a program stays the user's, never root's", async () => {
    const link = new TestLink(backend.handlers);
    const tab = await openTerminal(link, plain, 'agent');
    await typeAndWait(link, tab.id, 'cd /workspace && echo agent > from-session && cp /usr/bin/env tool && chmod 4755 tool && ls -ln tool', 10_000);
    ok(await reply('terminals.close', { id: tab.id }));
    expect(statSync(join(repo, 'from-session'))).toMatchObject({ uid: USER_UID, gid: USER_UID });
    const tool = statSync(join(repo, 'tool'));
    expect(tool.uid).toBe(USER_UID);
    expect(tool.mode & 0o4000).toBe(0o4000); // the bit is there: it only makes the program the user's
    expect(rootOwned(repo)).toEqual([]);
    // Run by the host user, it stays that user (before: euid 0).
    expect(asHostUser([join(repo, 'tool'), 'sh', '-c', 'echo "$(id -u) $(id -u -r)"'], repo).out).toBe('1000 1000');
  });

  it("commits from the agent's session leave the user able to commit, and reading the work writes nothing into .git", async () => {
    const link = new TestLink(backend.handlers);
    const tab = await openTerminal(link, plain, 'agent');
    const said = await typeAndWait(
      link,
      tab.id,
      'cd /workspace && echo "agent line" >> a.txt && mkdir -p deep/er && echo n > deep/er/new.txt && git add -A && git -c user.name=agent -c user.email=agent@example.invalid commit -qm "agent work" && echo "COMMIT[$?]"',
      15_000,
    );
    ok(await reply('terminals.close', { id: tab.id }));
    expect(said).toContain('COMMIT[0]');
    expect(git(repo, ['-c', 'safe.directory=*', 'log', '-1', '--format=%s'])).toBe('agent work\n');
    expect(rootOwned(join(repo, '.git'))).toEqual([]);

    const before = listing(join(repo, '.git'));
    const changes = (await call('workspace.changes', { agent: plain })) as WorkspaceChanges;
    expect(changes.state).toBe('ok');
    expect(changes.commits.map((c) => c.subject)).toEqual(['agent work']);
    expect(changes.files.map((f) => `${f.status}:${f.path}`).sort()).toEqual(['added:deep/er/new.txt', 'added:from-session', 'added:tool', 'modified:a.txt']);
    // An uncommitted file too: Enclave's index and objects are on the agent's disk.
    await asUser(plain, 'echo pending > /workspace/pending.txt');
    const again = (await call('workspace.changes', { agent: plain })) as WorkspaceChanges;
    expect(again.files.find((f) => f.path === 'pending.txt')?.uncommitted).toBe(true);
    const file = again.files.find((f) => f.path === 'pending.txt');
    const diff = (await call('workspace.fileDiff', { agent: plain, id: file?.id })) as FileDiff;
    expect(diff.new.text).toBe('pending\n');
    expect(listing(join(repo, '.git'))).toEqual(before);
    expect(existsSync(join(repo, '.git/enclave-review-index'))).toBe(false);
    expect((await asRoot(plain, 'ls /var/lib/enclave/review')).out.split('\n').sort()).toEqual(['index', 'objects']);

    // The user's own commit on the host, as uid 1000, after the agent's.
    execFileSync('rm', ['-f', join(repo, 'pending.txt')]);
    const host = asHostUser(
      ['sh', '-c', 'echo "host line" >> a.txt && mkdir -p deep/er/host && echo h > deep/er/host/h.txt && git add -A && git -c user.name=u -c user.email=u@example.invalid commit -qm "host work"'],
      repo,
    );
    expect(host.err).toBe('');
    expect(host.code).toBe(0);
    expect(git(repo, ['-c', 'safe.directory=*', 'log', '--format=%s'])).toBe('host work\nagent work\ninitial\n');
  });

  it("refuses a folder owned by root, to a new agent and to an existing one", async () => {
    const rootRepo = makeRepo({ 'r.txt': 'root\n' }, { prefix: 'enclave-mountuser-it-root-' });
    folders.push(rootRepo);
    const expected = `${rootRepo} is owned by root: an agent mounting it would be root on it. Use the isolated copy.`;
    const name = `mu-root-${suffix()}`;
    const made = await reply('agents.create', { name, image: AGENT_IMAGE, workspace: { mode: 'mount', path: rootRepo, readOnly: false } });
    expect(made.ok ? '' : made.error.message).toBe(expected);
    expect(((await call('agents.list')) as Agent[]).some((a) => a.name === name)).toBe(false);
    const attached = await reply('workspace.attach', { agent: late, workspace: { mode: 'mount', path: rootRepo, readOnly: true } });
    expect(attached.ok ? '' : attached.error.message).toBe(expected);
    expect(existsSync(join(rootRepo, '.git/modules'))).toBe(false); // refused before changing anything
  });

  it("a mount attached to a running agent ends root's session and starts it again as the owner", async () => {
    // The plain agent's session started as root, before any mount.
    expect((await asRoot(late, 'tmux has-session -t =agent 2>/dev/null; echo $?')).out).toBe('0');
    const result = (await call('workspace.attach', { agent: late, workspace: { mode: 'mount', path: lateRepo, readOnly: false } })) as AgentChangeResult;
    expect(result.notes.join(' ')).toContain(`${late}'s session ran as root: it was ended and started again as uid 1000.`);
    expect((await asRoot(late, 'tmux has-session -t =agent 2>/dev/null; echo $?')).out).toBe('1');
    expect((await asUser(late, 'tmux has-session -t =agent 2>/dev/null; echo $?; id -u')).out).toBe('0\n1000');
    const link = new TestLink(backend.handlers);
    const tab = await openTerminal(link, late, 'agent');
    await typeAndWait(link, tab.id, 'echo x > /workspace/late-made');
    ok(await reply('terminals.close', { id: tab.id }));
    expect(statSync(join(lateRepo, 'late-made')).uid).toBe(USER_UID);
  });
});
