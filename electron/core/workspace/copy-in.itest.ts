import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import type { Agent } from '../../../shared/types.js';
import { execCommand } from '../../incus/exec.js';
import { listInstances } from '../../incus/instances.js';
import { git, makeRepo, writeFiles } from '../../test-support/git-repo.js';
import { testBackend } from '../../test-support/backend.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../../test-support/project.js';
import type { Backend } from '../backend.js';

const NO_NETWORK = { mode: 'none' as const, allow: [], ingress: '', egress: '' };
const ctx = { client: null };

/** Everything of a host repository a copy could change: status, refs, objects, index, config, hooks. */
function hostState(dir: string): string {
  const objects: string[] = [];
  const list = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) list(join(d, e.name), `${rel}${e.name}/`);
      else objects.push(`${rel}${e.name} ${statSync(join(d, e.name)).size}`);
    }
  };
  list(join(dir, '.git'), '');
  const hash = (p: string) => createHash('sha256').update(readFileSync(join(dir, '.git', p))).digest('hex');
  return JSON.stringify({
    status: git(dir, ['--no-optional-locks', 'status', '--porcelain', '-z', '-uall']),
    refs: git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']),
    files: objects.sort(),
    index: hash('index'),
    config: hash('config'),
  });
}

describe('Copying a project into an agent (the real daemon)', () => {
  const project = useTestProject();
  const agent = `ws-${suffix()}`;
  const cloneName = `${agent}-cl`;
  let backend: Backend;
  let repo: string;
  let head: string;
  let hostIndex: string;
  let before: string;
  const inside = async (name: string, script: string) => {
    const r = await execCommand(project.client, name, ['sh', '-c', script], { timeoutMs: 60_000, maxOutputBytes: 32 * 1024 * 1024 });
    return { code: r.exitCode, out: r.stdout.toString('utf8'), raw: r.stdout, err: r.stderr.toString('utf8') };
  };
  const names = async () => (await listInstances(project.client)).map((i) => i.name).sort();
  const create = (name: string, workspace: Parameters<Backend['handlers']['agents.create']>[0]['workspace'], limits?: { disk: string }) =>
    backend.handlers['agents.create']({ name, image: AGENT_IMAGE, network: NO_NETWORK, workspace, ...(limits ? { limits } : {}) }, ctx);

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'copy-in'));
    backend.start();
    await backend.ready();

    const many: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) many[`many/d${i % 100}/f${i}.txt`] = `file ${i}\n`;
    repo = makeRepo({ 'README.md': '# hello\n', 'old-name.txt': 'renamed later\n' }, { prefix: 'enclave-copyin-' });
    project.defer(() => rmSync(repo, { recursive: true, force: true }));
    // No background gc of the test's own commits while the host repository is watched; the
    // first commit packed and the second loose, so the copy carries both kinds.
    git(repo, ['config', 'gc.auto', '0']);
    git(repo, ['repack', '-adq']);
    git(repo, ['mv', 'old-name.txt', 'new-name.txt']);
    writeFiles(repo, {
      ...many,
      'bin/blob.bin': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)),
      'docs/naïve 日本.md': 'unicode\n',
      'odd/line\nbreak.txt': 'newline in the name\n',
      '.gitattributes': '*.psd filter=lfs diff=lfs merge=lfs -text\n',
      'art/big.psd': 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 123456\n',
    });
    writeFileSync(Buffer.from(`${repo}/odd/bad-\xff-utf8.txt`, 'latin1'), 'invalid utf-8 name\n');
    symlinkSync('/etc/passwd', join(repo, 'passwd-link'));
    git(repo, ['add', '-A']);
    // A submodule as git records it: a gitlink to a commit whose contents are elsewhere.
    git(repo, ['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/sub`]);
    git(repo, ['commit', '-q', '-m', 'second: rename, binary, odd names, a link out, a submodule']);
    head = git(repo, ['rev-parse', 'HEAD']).trim();
    hostIndex = git(repo, ['ls-files', '-s', '-z']);
    // Uncommitted work: a change, a new file (owned by someone else on the host), a deletion.
    writeFileSync(join(repo, 'README.md'), '# hello, changed on the host\n');
    writeFileSync(join(repo, 'untracked.txt'), 'not yet added\n');
    chownSync(join(repo, 'untracked.txt'), 4321, 4321);
    unlinkSync(join(repo, 'many/d0/f0.txt'));
    before = hostState(repo);
  }, 180_000);

  it('inspects the repository: HEAD, branch, sizes and what the user should know', async () => {
    const ins = await backend.handlers['workspace.inspect']({ path: repo }, ctx);
    expect(ins).toMatchObject({ kind: 'git', head, branch: 'main', uncommittedFiles: 3, tooLarge: null });
    expect(ins.fileCount).toBe(10_010);
    expect(ins.sizeBytes).toBeGreaterThan(70_000);
    const kinds = ins.notes.map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['submodules', 'lfs', 'symlink-outside', 'odd-names', 'uncommitted']));
    expect(kinds).not.toContain('not-git');
    const odd = ins.notes.find((n) => n.kind === 'odd-names');
    expect(odd?.paths).toEqual(expect.arrayContaining(['odd/line\\nbreak.txt', 'odd/bad-\ufffd-utf8.txt']));
    expect(ins.notes.find((n) => n.kind === 'symlink-outside')?.paths).toEqual(['passwd-link → /etc/passwd']);
    expect(ins.mount).toEqual({ possible: true }); // a folder on this host's own filesystem can be mounted live
  });

  it('copies it in at HEAD on enclave/<agent> with the uncommitted changes, files owned by root inside', async () => {
    const created: Agent = await create(agent, { mode: 'copy', path: repo, uncommitted: true });
    expect(created.workspace).toEqual({ mode: 'copy', source: repo, kind: 'git', base: head, branch: `enclave/${agent}`, readOnly: false });
    const log = await backend.handlers['activity.list']({ agent }, ctx);
    expect(log.find((e) => e.kind === 'workspace')?.message).toBe(`project ${repo} at ${head.slice(0, 12)} on enclave/${agent} copied in`);
    const r = await inside(agent, 'cd /workspace && git rev-parse HEAD && git symbolic-ref --short HEAD');
    expect(r.out.split('\n').slice(0, 2)).toEqual([head, `enclave/${agent}`]);
    const index = await inside(agent, 'cd /workspace && git ls-files -s -z');
    expect(index.out).toBe(hostIndex);
    expect((await inside(agent, 'cat /workspace/README.md')).out).toBe('# hello, changed on the host\n');
    expect((await inside(agent, 'cat /workspace/untracked.txt; stat -c %u:%g /workspace/untracked.txt /workspace/new-name.txt')).out).toBe('not yet added\n0:0\n0:0\n');
    expect((await inside(agent, 'test -e /workspace/many/d0/f0.txt; echo $?')).out.trim()).toBe('1');
    // The link is kept as a link (not followed out of the project on the host).
    expect((await inside(agent, 'readlink /workspace/passwd-link; test -L /workspace/passwd-link && echo link')).out).toBe('/etc/passwd\nlink\n');
    expect((await inside(agent, 'cmp -s /workspace/bin/blob.bin /workspace/bin/blob.bin && git -C /workspace cat-file -p HEAD:bin/blob.bin | wc -c')).out.trim()).toBe('70000');
    const status = await inside(agent, 'cd /workspace && git status --porcelain -z -uall');
    expect(status.out.split('\0').filter(Boolean).sort()).toEqual([' D many/d0/f0.txt', ' M README.md', '?? untracked.txt']);
    // Enclave's own config, nothing of the host's; the history came along (the rename is in it).
    expect((await inside(agent, 'git -C /workspace config --local user.name; ls /workspace/.git/hooks 2>&1 | wc -l')).out.split('\n')[0]).toBe(agent);
    expect((await inside(agent, 'git -C /workspace log --format=%s | wc -l')).out.trim()).toBe('2');
    expect((await inside(agent, 'git -C /workspace log --name-status --format= -M HEAD~1..HEAD | grep ^R')).out).toContain('old-name.txt');
  });

  it('leaves the host repository untouched: status, refs, objects, index and config', () => {
    expect(hostState(repo)).toBe(before);
  });

  it("starts the agent's session in /workspace", async () => {
    const cwd = await until('the session', async () => {
      const r = await inside(agent, "tmux display-message -p -t =agent:0.0 '#{pane_current_path}' 2>/dev/null");
      return r.code === 0 && r.out.trim();
    }, 20_000);
    expect(cwd).toBe('/workspace');
  });

  it('a rollback restores the code too', async () => {
    await backend.handlers['snapshots.create']({ agent, name: 'before-change' }, ctx);
    await inside(agent, 'cd /workspace && echo broken > README.md && rm -rf many && git -c user.name=a -c user.email=a@b commit -qam wreck');
    expect((await inside(agent, 'git -C /workspace rev-parse HEAD')).out.trim()).not.toBe(head);
    await backend.handlers['snapshots.restore']({ agent, name: 'before-change' }, ctx);
    await until('the agent runs again', async () => (await backend.handlers['agents.list']({}, ctx)).find((a) => a.name === agent)?.status === 'Running', 60_000);
    expect((await inside(agent, 'git -C /workspace rev-parse HEAD')).out.trim()).toBe(head);
    expect((await inside(agent, 'cat /workspace/README.md')).out).toBe('# hello, changed on the host\n');
    expect((await inside(agent, 'ls /workspace/many | wc -l')).out.trim()).toBe('100');
  });

  it('a clone carries the code, on a branch of its own', async () => {
    const clone = await backend.handlers['agents.clone']({ source: agent, name: cloneName }, ctx);
    expect(clone.workspace).toMatchObject({ mode: 'copy', base: head, branch: `enclave/${cloneName}` });
    const r = await inside(cloneName, 'cd /workspace && git symbolic-ref --short HEAD && git rev-parse HEAD && git branch --list | wc -l');
    expect(r.out.split('\n').slice(0, 3)).toEqual([`enclave/${cloneName}`, head, '1']);
    expect((await inside(cloneName, 'cd /workspace && git ls-files -s -z')).out).toBe(hostIndex);
  });

  it('refuses a project larger than the disk before any instance exists, with both sizes', async () => {
    const big = makeRepo({ 'big.bin': randomBytes(40 * 1024 * 1024) }, { prefix: 'enclave-copyin-big-' });
    project.defer(() => rmSync(big, { recursive: true, force: true }));
    const ins = await backend.handlers['workspace.inspect']({ path: big, disk: '300MiB' }, ctx);
    expect(ins.tooLarge?.diskBytes).toBe(300 * 1024 * 1024);
    expect(ins.tooLarge?.needBytes).toBeGreaterThan(300 * 1024 * 1024);
    expect(ins.notes.map((n) => n.kind)).toContain('too-large');
    expect((await backend.handlers['workspace.inspect']({ path: big, disk: '2GiB' }, ctx)).tooLarge).toBeNull();
    const was = await names();
    await expect(create(`big-${suffix()}`, { mode: 'copy', path: big, uncommitted: false }, { disk: '300MiB' })).rejects.toThrow(
      /The project needs \d+ MiB and the agent's disk is 300 MiB/,
    );
    expect(await names()).toEqual(was);
  });

  it('says clearly when the folder does not exist or is no folder', async () => {
    const missing = join(tmpdir(), `enclave-no-such-${suffix()}`);
    const err = await backend.handlers['workspace.inspect']({ path: missing }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect(err).toMatchObject({ code: 'not-found', message: `There is no folder at ${missing}: it does not exist (ENOENT).` });
    await expect(backend.handlers['workspace.inspect']({ path: join(repo, 'README.md') }, ctx)).rejects.toMatchObject({ code: 'invalid-arguments', message: expect.stringMatching(/is a file, not a folder/) });
    await expect(backend.handlers['workspace.inspect']({ path: join(repo, 'README.md', 'x') }, ctx)).rejects.toMatchObject({ code: 'invalid-arguments', message: expect.stringMatching(/ENOTDIR/) });
    const was = await names();
    await expect(create(`gone-${suffix()}`, { mode: 'copy', path: missing, uncommitted: false })).rejects.toMatchObject({ code: 'not-found' });
    expect(await names()).toEqual(was);
  });

  // As an ordinary user (the app's); run as root (which reads everything) it drops to nobody.
  it.skipIf(process.getuid?.() !== 0)('says clearly when the folder is not readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enclave-copyin-locked-'));
    project.defer(() => rmSync(dir, { recursive: true, force: true }));
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    chmodSync(dir, 0o755);
    const probe = join(dir, 'probe.mts');
    const inspect = fileURLToPath(new URL('./inspect.ts', import.meta.url));
    writeFileSync(probe, `import { inspectFolder } from ${JSON.stringify(inspect)};\ninspectFolder(process.argv[2]).then(() => console.log('read'), (e) => console.log(e.code + ': ' + e.message));\n`, { mode: 0o644 });
    const r = spawnSync(process.execPath, [join(process.cwd(), 'node_modules/tsx/dist/cli.mjs'), probe, locked], {
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout.trim()).toBe(`invalid-arguments: Enclave cannot read ${locked}: permission denied (EACCES).`);
  });

  describe('a folder without git', () => {
    let plain: string;
    beforeAll(() => {
      plain = mkdtempSync(join(tmpdir(), 'enclave-copyin-plain-'));
      project.defer(() => rmSync(plain, { recursive: true, force: true }));
      mkdirSync(join(plain, 'src'));
      writeFileSync(join(plain, 'src/main.c'), 'int main(void) { return 0; }\n');
      writeFileSync(join(plain, 'notes.txt'), 'plain notes\n');
      symlinkSync('../../etc/shadow', join(plain, 'src/shadow-link'));
    });

    it('is refused without saying what to do with it, naming both options', async () => {
      const ins = await backend.handlers['workspace.inspect']({ path: plain }, ctx);
      expect(ins).toMatchObject({ kind: 'plain', head: null, fileCount: 3 });
      expect(ins.notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['not-git', 'symlink-outside']));
      const was = await names();
      await expect(create(`plain-${suffix()}`, { mode: 'copy', path: plain, uncommitted: false })).rejects.toThrow(/not a git repository: copy it as plain files .*git-initialise it/);
      expect(await names()).toEqual(was);
    });

    it('is copied as plain files', async () => {
      const name = `plain-${suffix()}`;
      const created = await create(name, { mode: 'copy', path: plain, uncommitted: false, notGit: 'plain' });
      expect(created.workspace).toMatchObject({ kind: 'plain', base: null, branch: null });
      expect((await inside(name, 'cat /workspace/src/main.c; readlink /workspace/src/shadow-link; test -e /workspace/.git; echo $?')).out).toBe(
        'int main(void) { return 0; }\n../../etc/shadow\n1\n',
      );
      await backend.handlers['agents.delete']({ name }, ctx);
    });

    it('is git-initialised inside an existing agent by workspace.attach, with its base read back and logged', async () => {
      const name = `init-${suffix()}`;
      await create(name, undefined);
      const res = await backend.handlers['workspace.attach']({ agent: name, workspace: { mode: 'copy', path: plain, uncommitted: false, notGit: 'init' } }, ctx);
      const base = res.agent.workspace?.base ?? '';
      expect(res.agent.workspace).toMatchObject({ mode: 'copy', kind: 'git', branch: `enclave/${name}` });
      expect(base).toMatch(/^[0-9a-f]{40}$/);
      const r = await inside(name, 'cd /workspace && git rev-parse HEAD && git log --format=%s && git status --porcelain | wc -l && git ls-files | sort');
      expect(r.out).toBe(`${base}\nImported by Enclave\n0\nnotes.txt\nsrc/main.c\nsrc/shadow-link\n`);
      const log = await backend.handlers['activity.list']({ agent: name }, ctx);
      expect(log.some((e) => e.kind === 'workspace' && e.actor.kind === 'user' && e.message.includes(plain))).toBe(true);
      await expect(backend.handlers['workspace.attach']({ agent: name, workspace: { mode: 'copy', path: repo, uncommitted: false } }, ctx)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/already has a workspace/),
      });
      await backend.handlers['agents.delete']({ name }, ctx);
    });
  });

  describe('repositories that borrow, are cut short or are worktrees', () => {
    let base: string;
    let baseHead: string;
    beforeAll(() => {
      base = makeRepo({ 'a.txt': 'one\n' }, { prefix: 'enclave-copyin-base-' });
      project.defer(() => rmSync(base, { recursive: true, force: true }));
      writeFiles(base, { 'b.txt': 'two\n' });
      git(base, ['add', '-A']);
      git(base, ['commit', '-q', '-m', 'second']);
      baseHead = git(base, ['rev-parse', 'HEAD']).trim();
    });
    const copied = async (path: string) => {
      const name = `b-${suffix()}`;
      const created = await create(name, { mode: 'copy', path, uncommitted: false });
      const r = await inside(name, 'cd /workspace && git rev-parse HEAD && git log --format=%s | wc -l && git fsck --no-progress --no-dangling --connectivity-only 2>/dev/null && echo fsck-ok; ls .git/objects/info');
      await backend.handlers['agents.delete']({ name }, ctx);
      return { created, lines: r.out.split('\n') };
    };

    it('copies the objects a clone --shared borrows (alternates), without the alternates file', async () => {
      const shared = mkdtempSync(join(tmpdir(), 'enclave-copyin-shared-'));
      project.defer(() => rmSync(shared, { recursive: true, force: true }));
      git(shared, ['clone', '-q', '--shared', base, '.']);
      expect(readFileSync(join(shared, '.git/objects/info/alternates'), 'utf8')).toContain(base);
      const { lines } = await copied(shared);
      expect(lines.slice(0, 3)).toEqual([baseHead, '2', 'fsck-ok']);
      expect(lines).not.toContain('alternates');
    });

    it('copies a shallow clone with its boundary, and says it is shallow', async () => {
      const shallow = mkdtempSync(join(tmpdir(), 'enclave-copyin-shallow-'));
      project.defer(() => rmSync(shallow, { recursive: true, force: true }));
      git(shallow, ['clone', '-q', '--depth', '1', `file://${base}`, '.']);
      expect((await backend.handlers['workspace.inspect']({ path: shallow }, ctx)).notes.map((n) => n.kind)).toContain('shallow');
      const { lines } = await copied(shallow);
      expect(lines.slice(0, 3)).toEqual([baseHead, '1', 'fsck-ok']);
    });

    it('refuses a partial clone (objects only on its server) before any instance exists', async () => {
      const partial = mkdtempSync(join(tmpdir(), 'enclave-copyin-partial-'));
      project.defer(() => rmSync(partial, { recursive: true, force: true }));
      git(base, ['config', 'uploadpack.allowFilter', 'true']);
      git(partial, ['clone', '-q', '--filter=blob:none', `file://${base}`, '.']);
      const was = await names();
      await expect(create(`p-${suffix()}`, { mode: 'copy', path: partial, uncommitted: false })).rejects.toThrow(/is a partial clone: some of its objects are only on its server/);
      expect(await names()).toEqual(was);
    });

    it("copies a linked worktree at its own HEAD from its repository's objects, and says it is one", async () => {
      const parent = mkdtempSync(join(tmpdir(), 'enclave-copyin-wt-'));
      const wt = join(parent, 'wt');
      project.defer(() => rmSync(parent, { recursive: true, force: true }));
      git(base, ['worktree', 'add', '-q', '--detach', wt, 'HEAD~1']);
      project.defer(() => git(base, ['worktree', 'prune']));
      const ins = await backend.handlers['workspace.inspect']({ path: wt }, ctx);
      expect(ins.notes.map((n) => n.kind)).toContain('worktree');
      expect(ins.branch).toBeNull();
      const first = git(base, ['rev-parse', 'HEAD~1']).trim();
      const { created, lines } = await copied(wt);
      expect(created.workspace?.base).toBe(first);
      expect(lines.slice(0, 3)).toEqual([first, '1', 'fsck-ok']);
    });
  });
});
