/**
 * Live mount, as a test against the real daemon: a git repository owned by uid 1000 (a desktop
 * user's) mounted into agents created through the backend, in Enclave's restricted project.
 * Ownership both ways, read-only mode, the protected .git paths (a planted hook never exists on
 * the host), attach to a running agent, the project's restriction, drift of Enclave's own mount
 * and of a tampered one, and the refusal on a filesystem that cannot idmap.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/api.js';
import type { ActivityEntry, Agent, AgentChangeResult } from '../../../shared/types.js';
import type { WorkspaceChanges } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { getProject } from '../../incus/projects.js';
import { testBackend } from '../../test-support/backend.js';
import { git, makeRepo } from '../../test-support/git-repo.js';
import { AGENT_IMAGE, incus, suffix, useTestProject } from '../../test-support/project.js';
import { dispatch } from '../../transport/dispatch.js';
import type { Backend } from '../backend.js';

const USER_UID = 1000;

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

/** A repository as a desktop user has it: every file owned by uid/gid 1000. */
function userRepo(files: Record<string, string>, opts: { hooks?: boolean } = {}): string {
  const dir = makeRepo(files, { prefix: 'enclave-mount-it-' });
  if (opts.hooks === false) rmSync(join(dir, '.git/hooks'), { recursive: true, force: true });
  execFileSync('chown', ['-R', `${USER_UID}:${USER_UID}`, dir]);
  return dir;
}

/**
 * Every path under the repository's .git with its owner and size: what a read may not change.
 * Not times: git "freshens" (touches) an existing object it would write again, alternates too.
 */
function gitListing(dir: string): string[] {
  return execFileSync('find', [join(dir, '.git'), '-printf', '%P %u:%g %s\\n']).toString('utf8').split('\n').sort();
}

const owner = (path: string) => {
  const s = statSync(path);
  return `${s.uid}:${s.gid}`;
};

describe.skipIf(process.getuid?.() !== 0)('live mount', () => {
  const project = useTestProject();
  let backend: Backend;
  let client: IncusClient;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);
  const getAgent = async (name: string) => {
    const found = ok<Agent[]>(await call('agents.list')).find((a) => a.name === name);
    if (!found) throw new Error(`no agent ${name}`);
    return found;
  };
  const folders: string[] = [];
  const rw = `mnt-rw-${suffix()}`;
  const ro = `mnt-ro-${suffix()}`;
  const late = `mnt-late-${suffix()}`;
  const hk = `mnt-husky-${suffix()}`;
  const wt = `mnt-tree-${suffix()}`;
  let repo: string;
  let roRepo: string;
  let lateRepo: string;

  /** Runs a shell line in an agent as root; its output is the test's own reading, bounded. */
  const sh = async (agent: string, line: string) => {
    const r = await execCommand(client, agent, ['sh', '-c', line], { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
    return { code: r.exitCode, out: r.stdout.toString('utf8').trim(), err: r.stderr.toString('utf8').trim() };
  };

  beforeAll(async () => {
    project.defer(() => {
      for (const f of folders) rmSync(f, { recursive: true, force: true });
    });
    repo = userRepo({ 'a.txt': 'from the host\n', 'src/main.c': 'int main(void) { return 0; }\n' });
    roRepo = userRepo({ 'ro.txt': 'read only\n' });
    lateRepo = userRepo({ 'late.txt': 'later\n' }, { hooks: false });
    folders.push(repo, roRepo, lateRepo);
    ({ backend } = await testBackend(project, 'mount'));
    backend.start();
    await backend.ready(15_000);
    client = backend.local.connection.requireClient();
    await Promise.all([
      call('agents.create', { name: rw, image: AGENT_IMAGE, workspace: { mode: 'mount', path: repo, readOnly: false } }).then(ok<Agent>),
      call('agents.create', { name: ro, image: AGENT_IMAGE, workspace: { mode: 'mount', path: roRepo, readOnly: true } }).then(ok<Agent>),
      ...[late, hk, wt].map((name) => call('agents.create', { name, image: AGENT_IMAGE }).then(ok<Agent>)),
    ]);
  });

  it('records the workspace on the agent: the folder, its HEAD and branch', async () => {
    const agent = await getAgent(rw);
    expect(agent.workspace).toEqual({
      mode: 'mount',
      source: repo,
      kind: 'git',
      base: git(repo, ['-c', 'safe.directory=*', 'rev-parse', 'HEAD']).trim(),
      branch: 'main',
      readOnly: false,
      owner: { uid: USER_UID, gid: USER_UID },
    });
  });

  it("shows the user's files as uid 1000 inside; what container root writes belongs to host root", async () => {
    expect((await sh(rw, 'stat -c %u:%g /workspace/a.txt /workspace/src/main.c')).out).toBe('1000:1000\n1000:1000');
    expect((await sh(rw, 'cat /workspace/a.txt')).out).toBe('from the host');
    expect((await sh(rw, 'echo agent > /workspace/made-inside && echo "changed" >> /workspace/a.txt')).code).toBe(0);
    expect(owner(join(repo, 'made-inside'))).toBe('0:0');
    // Writing into the user's file keeps its owner.
    expect(owner(join(repo, 'a.txt'))).toBe('1000:1000');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('from the host\nchanged\n');
    // And back: a file the user makes while the agent runs shows at once, as theirs.
    execFileSync('sh', ['-c', `echo later > ${join(repo, 'host-made')} && chown ${USER_UID}:${USER_UID} ${join(repo, 'host-made')}`]);
    expect((await sh(rw, 'stat -c %u:%g /workspace/host-made && cat /workspace/host-made')).out).toBe('1000:1000\nlater');
  });

  it('keeps .git/hooks and .git/config read-only: a planted hook never exists on the host', async () => {
    const configBefore = readFileSync(join(repo, '.git/config'), 'utf8');
    const hook = await sh(rw, 'printf "#!/bin/sh\\ntouch /tmp/pwned\\n" > /workspace/.git/hooks/pre-commit');
    expect(hook.code).not.toBe(0);
    expect(hook.err).toMatch(/Read-only file system/);
    const cfg = await sh(rw, 'printf "[core]\\n\\tfsmonitor = /bin/false\\n" >> /workspace/.git/config');
    expect(cfg.err).toMatch(/Read-only file system/);
    // Renaming .git (to plant a new one with hooks of its own) or the protected paths is refused.
    expect((await sh(rw, 'mv /workspace/.git /workspace/.git-old')).err).toMatch(/busy/i);
    expect((await sh(rw, 'mv /workspace/.git/hooks /workspace/.git/h2')).err).toMatch(/busy/i);
    expect((await sh(rw, 'rm -f /workspace/.git/config')).err).toMatch(/busy/i);
    expect(existsSync(join(repo, '.git/hooks/pre-commit'))).toBe(false);
    expect(existsSync(join(repo, '.git-old'))).toBe(false);
    expect(readFileSync(join(repo, '.git/config'), 'utf8')).toBe(configBefore);
    // The agent still works with the repository: a commit writes objects and a ref.
    const commit = await sh(rw, 'cd /workspace && git -c safe.directory=* -c user.name=a -c user.email=a@a.invalid commit -qam "agent work" && git -c safe.directory=* rev-parse HEAD');
    expect(commit.code).toBe(0);
    expect(git(repo, ['-c', 'safe.directory=*', 'rev-parse', 'HEAD']).trim()).toBe(commit.out);
  });

  it("reads the agent's work on the mounted folder through the changes reader, writing nothing into the user's .git", async () => {
    const before = gitListing(repo);
    const changes = ok<WorkspaceChanges>(await call('workspace.changes', { agent: rw }));
    expect(changes.state).toBe('ok');
    expect(changes.mode).toBe('mount');
    expect(changes.commits.map((c) => c.subject)).toEqual(['agent work']);
    expect(changes.files.map((f) => `${f.status}:${f.path}`).sort()).toEqual(['added:host-made', 'added:made-inside', 'modified:a.txt']);
    // Its index and the objects `git add` writes are on the agent's own disk, not in the user's .git.
    expect(existsSync(join(repo, '.git/enclave-review-index'))).toBe(false);
    expect(gitListing(repo)).toEqual(before);
    expect((await sh(rw, 'test -f /var/lib/enclave/review/index && ls /var/lib/enclave/review/objects | wc -l')).out).not.toBe('0');
  });

  it("protects a hooks path inside the folder (husky's) and a worktree's .git file", async () => {
    const husky = userRepo({ '.husky/pre-commit': '#!/bin/sh\necho user hook\n', 'x.txt': 'x\n' });
    git(husky, ['-c', 'safe.directory=*', 'config', 'core.hooksPath', '.husky']);
    const main = userRepo({ 'm.txt': 'm\n' });
    const tree = `${main}-tree`;
    folders.push(husky, main, tree);
    git(main, ['-c', 'safe.directory=*', 'worktree', 'add', '-q', '-b', 'side', tree]);
    execFileSync('chown', ['-R', `${USER_UID}:${USER_UID}`, husky, main, tree]);
    const a = ok<AgentChangeResult>(await call('workspace.attach', { agent: hk, workspace: { mode: 'mount', path: husky, readOnly: false } }));
    expect(a.agent.workspace?.source).toBe(husky);
    expect((await sh(hk, 'echo "touch /tmp/pwned" >> /workspace/.husky/pre-commit')).err).toMatch(/Read-only file system/);
    expect((await sh(hk, 'echo fine >> /workspace/x.txt')).code).toBe(0);
    expect(readFileSync(join(husky, '.husky/pre-commit'), 'utf8')).toBe('#!/bin/sh\necho user hook\n');
    const gitFile = readFileSync(join(tree, '.git'), 'utf8');
    ok<AgentChangeResult>(await call('workspace.attach', { agent: wt, workspace: { mode: 'mount', path: tree, readOnly: false } }));
    expect((await sh(wt, 'cat /workspace/m.txt')).out).toBe('m');
    expect((await sh(wt, 'echo "gitdir: /workspace/evil" > /workspace/.git')).err).toMatch(/Read-only file system/);
    expect((await sh(wt, 'rm -f /workspace/.git')).err).toMatch(/busy/i);
    expect(readFileSync(join(tree, '.git'), 'utf8')).toBe(gitFile);
  });

  it('refuses every write in read-only mode', async () => {
    const w = await sh(ro, 'echo x > /workspace/new; echo y >> /workspace/ro.txt; rm /workspace/ro.txt');
    expect(w.err).toMatch(/Read-only file system/);
    expect(existsSync(join(roRepo, 'new'))).toBe(false);
    expect(readFileSync(join(roRepo, 'ro.txt'), 'utf8')).toBe('read only\n');
    expect((await sh(ro, 'cat /workspace/ro.txt')).out).toBe('read only');
  });

  it('mounts into a running agent, with a missing .git/hooks created empty and read-only', async () => {
    const result = ok<AgentChangeResult>(await call('workspace.attach', { agent: late, workspace: { mode: 'mount', path: lateRepo, readOnly: false } }));
    expect(result.agent.workspace).toMatchObject({ mode: 'mount', source: lateRepo });
    expect(result.agent.status).toBe('Running');
    expect(result.notes.join(' ')).toMatch(/created empty \.git\/hooks, \.git\/modules, \.git\/worktrees in /);
    expect(statSync(join(lateRepo, '.git/modules')).isDirectory()).toBe(true);
    expect(statSync(join(lateRepo, '.git/hooks')).isDirectory()).toBe(true);
    expect(owner(join(lateRepo, '.git/hooks'))).toBe('1000:1000');
    expect((await sh(late, 'cat /workspace/late.txt')).out).toBe('later');
    expect((await sh(late, 'mkdir -p /workspace/.git/hooks && echo bad > /workspace/.git/hooks/post-checkout')).err).toMatch(/Read-only file system/);
    expect(existsSync(join(lateRepo, '.git/hooks/post-checkout'))).toBe(false);
    expect((await sh(late, 'mkdir /workspace/.git/modules/planted')).err).toMatch(/Read-only file system/);
    const log = ok<ActivityEntry[]>(await call('activity.list', { agent: late }));
    expect(log.some((e) => e.kind === 'workspace' && e.message.includes(lateRepo))).toBe(true);
    const again = await call('workspace.attach', { agent: late, workspace: { mode: 'mount', path: lateRepo, readOnly: false } });
    expect(again.ok ? '' : again.error.message).toMatch(/already has a workspace/);
  });

  it("keeps the project restricted, allowing host disks, and does not call Enclave's mount drift", async () => {
    const p = await getProject(client, project.name);
    expect(p.config.restricted).toBe('true');
    expect(p.config['restricted.devices.disk']).toBe('allow');
    expect(p.config['restricted.devices.nic']).toBe('managed');
    expect(backend.local.connection.status.state).toBe('connected');
    for (const name of [rw, ro, late, hk, wt]) {
      const agent = await getAgent(name);
      expect(agent.isolation).toEqual([]);
    }
    // A host folder that is not a workspace is still drift.
    const stray = mkdtempSync(join(tmpdir(), 'enclave-mount-it-stray-'));
    folders.push(stray);
    await incus('config', 'device', 'add', ro, 'stray', 'disk', `source=${stray}`, 'path=/stray', '--project', project.name);
    await expect.poll(async () => (await getAgent(ro)).isolation.map((p) => `${p.kind}:${p.item}`), { timeout: 10_000 }).toEqual(['host-disk:stray']);
    await incus('config', 'device', 'remove', ro, 'stray', '--project', project.name);
  });

  it('flags a protected path made writable and restores it (stopping the agent to do so)', async () => {
    // Made writable behind Enclave's back with the agent running: Incus remounts it at once.
    await incus('config', 'device', 'set', rw, 'workspace-git-hooks', 'readonly=false', '--project', project.name);
    await expect.poll(async () => (await getAgent(rw)).isolation.map((p) => `${p.item}:${p.fix}`), { timeout: 10_000 }).toEqual([
      `workspace-git-hooks:restores the workspace mount as Enclave made it (${repo}/.git/hooks at /workspace/.git/hooks, read-only)`,
    ]);
    const fixed = ok<AgentChangeResult>(await call('agents.fixIsolation', { agent: rw }));
    expect(fixed.agent.isolation).toEqual([]);
    expect(fixed.agent.status).toBe('Running');
    expect(fixed.notes.join(' ')).toMatch(/stopped and started again to restore its workspace mount/);
    expect((await sh(rw, 'echo bad > /workspace/.git/hooks/pre-push')).err).toMatch(/Read-only file system/);
    expect(existsSync(join(repo, '.git/hooks/pre-push'))).toBe(false);
    expect(existsSync(join(repo, '.git/config'))).toBe(true);
  });

  it('refuses a folder on overlayfs, saying why and offering the copy, before any agent exists', async () => {
    const base = mkdtempSync(join(tmpdir(), 'enclave-mount-it-ovl-'));
    folders.push(base);
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(base, d));
    const merged = join(base, 'merged');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base}/lower,upperdir=${base}/upper,workdir=${base}/work`, merged]);
    try {
      chownSync(merged, USER_UID, USER_UID);
      const name = `mnt-ovl-${suffix()}`;
      const reply = await call('agents.create', { name, image: AGENT_IMAGE, workspace: { mode: 'mount', path: merged, readOnly: false } });
      expect(reply.ok).toBe(false);
      expect(reply.ok ? '' : reply.error.message).toBe(`${merged} is on overlayfs, which does not support the idmapped mounts a live mount needs. Use the isolated copy instead.`);
      expect(ok<Agent[]>(await call('agents.list')).some((a) => a.name === name)).toBe(false);
    } finally {
      execFileSync('umount', [merged]);
    }
  });

  it('refuses a folder inside another agent\'s mount, and a link where a protected path should be', async () => {
    const nested = await call('agents.create', { name: `mnt-in-${suffix()}`, image: AGENT_IMAGE, workspace: { mode: 'mount', path: join(repo, 'src'), readOnly: false } });
    expect(nested.ok ? '' : nested.error.message).toBe(`${join(repo, 'src')} is inside ${repo}, which ${rw} mounts: one agent could then redirect the other's mount. Mount the same folder, or use the isolated copy instead.`);
    // As an agent with a writable .git could leave it: .git/info a link to /etc.
    const linked = userRepo({ 'l.txt': 'l\n' });
    folders.push(linked);
    rmSync(join(linked, '.git/info'), { recursive: true, force: true });
    symlinkSync('/etc', join(linked, '.git/info'));
    const name = `mnt-link-${suffix()}`;
    const reply = await call('agents.create', { name, image: AGENT_IMAGE, workspace: { mode: 'mount', path: linked, readOnly: false } });
    expect(reply.ok ? '' : reply.error.message).toMatch(new RegExp(`^${linked}/\\.git/info is a symbolic link: Enclave mounts no link`));
    expect(ok<Agent[]>(await call('agents.list')).some((a) => a.name === name)).toBe(false);
    expect(existsSync(join(linked, '.git/modules'))).toBe(false); // refused before changing anything
  });

  it("deleting the agents leaves the user's folders whole, and the project manages disks again", async () => {
    const hooksBefore = readdirSync(join(repo, '.git/hooks')).sort();
    for (const name of [rw, ro, late, hk, wt]) ok(await call('agents.delete', { name }));
    expect(readFileSync(join(repo, '.git/config'), 'utf8')).toContain('[core]');
    expect(readdirSync(join(repo, '.git/hooks')).sort()).toEqual(hooksBefore);
    expect(readFileSync(join(roRepo, 'ro.txt'), 'utf8')).toBe('read only\n');
    expect(existsSync(join(lateRepo, '.git/config'))).toBe(true);
    await expect.poll(async () => (await getProject(client, project.name)).config['restricted.devices.disk'], { timeout: 10_000 }).toBe('managed');
  });
});
