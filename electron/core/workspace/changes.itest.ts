import { beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/types.js';
import type { ChangedFile, FileDiff, WorkspaceChanges } from '../../../shared/workspace.js';
import { execCommand } from '../../incus/exec.js';
import { patchConfig } from '../../incus/instances.js';
import { testBackend } from '../../test-support/backend.js';
import { AGENT_IMAGE, suffix, useTestProject } from '../../test-support/project.js';
import type { Backend } from '../backend.js';
import { META_PREFIX } from '../agent-model.js';
import { workspaceMeta } from './meta.js';

/** Git inside the agents, as the tests run it: a fixed identity and dates, so both agents' bases are one commit. */
const GIT_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

const BASE_SCRIPT = `
mkdir -p /workspace && cd /workspace && git init -q -b main
printf 'keep\\n' > keep.txt
printf 'one\\ntwo\\n' > mod.txt
printf 'delete me\\n' > del.txt
seq 1 50 > old-name.txt
printf 'unc\\n' > unc.txt
printf 'base\\n' > alike.txt
printf 'base\\n' > differ.txt
git add -A && git commit -q -m base
git rev-parse HEAD`;

const bytes = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));
const id = (b: Buffer) => b.toString('base64');
const NEWLINE_NAME = bytes('new\nline.txt');
const BAD_NAME = Buffer.concat([bytes('bad'), bytes([0xff]), bytes('.txt')]);

describe('The changes reader (the real daemon)', () => {
  const project = useTestProject();
  const a = `ch-a-${suffix()}`;
  const b = `ch-b-${suffix()}`;
  let backend: Backend;
  let base = '';
  let reads = 0;

  const sh = async (agent: string, script: string): Promise<string> => {
    const r = await execCommand(project.client, agent, ['sh', '-ec', script], { timeoutMs: 60_000, environment: GIT_ENV });
    if (r.exitCode !== 0) throw new Error(`${script.slice(0, 200)}: exit ${r.exitCode}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  const changes = (agent: string) => backend.handlers['workspace.changes']({ agent }, { client: null });
  const fileDiff = (agent: string, path: Buffer, more: { against?: string; from?: Buffer } = {}) =>
    backend.handlers['workspace.fileDiff'](
      { agent, id: id(path), ...(more.against ? { against: more.against } : {}), ...(more.from ? { from: id(more.from) } : {}) },
      { client: null },
    );
  const file = (c: WorkspaceChanges, path: string) => c.files.find((f) => f.path === path) as ChangedFile;

  /** An agent whose /workspace holds the base commit, marked as a copy of it (as copy-in would). */
  async function agentAtBase(name: string): Promise<Agent> {
    await backend.handlers['agents.create'](
      { name, image: AGENT_IMAGE, network: { mode: 'none', allow: [], ingress: '', egress: '' } },
      { client: null },
    );
    base = (await sh(name, BASE_SCRIPT)).trim();
    await sh(name, `cd /workspace && git checkout -q -b enclave/${name}`);
    const meta = workspaceMeta({ mode: 'copy', source: '/srv/project', kind: 'git', base, branch: `enclave/${name}`, readOnly: false });
    await patchConfig(project.client, name, Object.fromEntries(Object.entries(meta).map(([k, v]) => [`${META_PREFIX}${k}`, v])));
    return backend.local.agents.reload(name);
  }

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'changes'));
    backend.start();
    await backend.ready();
    const reading = backend.local.workspace.reading;
    const reader = reading.reader;
    reading.reader = (...args) => {
      reads++;
      return reader(...args);
    };
    const [agentA, agentB] = await Promise.all([agentAtBase(a), agentAtBase(b)]);
    expect(agentA.workspace?.base).toBe(base);
    expect(agentB.workspace?.base).toBe(base);
    // A: a commit with every kind of change, then uncommitted work on top.
    await sh(
      a,
      `cd /workspace
printf 'one\\nTWO\\nthree\\n' > mod.txt
git rm -q del.txt
git mv old-name.txt new-name.txt
printf 'bin\\0ary\\0' > bin.dat
printf 'hallo\\n' > 'ünï cödé.txt'
printf 'nl\\n' > "$(printf 'new\\nline.txt')"
printf 'bad\\n' > "$(printf 'bad\\377.txt')"
printf 'version https://git-lfs.github.com/spec/v1\\noid sha256:${'0'.repeat(64)}\\nsize 12345\\n' > model.bin
mkdir sub && cd sub && git init -q && git commit -q --allow-empty -m inner && cd ..
printf 'same\\n' > alike.txt
printf 'A\\n' > differ.txt
printf 'only a\\n' > only-a.txt
git add -A 2>/dev/null
git commit -q -m 'agent work: every kind of change'
printf 'unc changed\\n' > unc.txt
printf 'untracked\\n' > untracked.txt`,
    );
    await sh(b, `cd /workspace && printf 'same\\n' > alike.txt && printf 'B\\n' > differ.txt && git commit -qam 'b work'`);
  });

  it('lists every kind of change against the base, committed and not, with the commits since', async () => {
    const c = await changes(a);
    expect(c).toMatchObject({ agent: a, state: 'ok', mode: 'copy', base, branch: `enclave/${a}`, truncated: false, uncommittedFiles: 2, message: null });
    expect(c.head).toBe((await sh(a, 'git -C /workspace rev-parse HEAD')).trim());
    expect(c.commits.map((x) => x.subject)).toEqual(['agent work: every kind of change']);
    expect(c.commits[0]?.sha).toBe(c.head);
    expect(c.files.map((f) => [f.path, f.status])).toEqual([
      ['alike.txt', 'modified'],
      ['bad\ufffd.txt', 'added'],
      ['bin.dat', 'added'],
      ['del.txt', 'deleted'],
      ['differ.txt', 'modified'],
      ['mod.txt', 'modified'],
      ['model.bin', 'added'],
      ['new\\nline.txt', 'added'],
      ['new-name.txt', 'renamed'],
      ['only-a.txt', 'added'],
      ['sub', 'added'],
      ['unc.txt', 'modified'],
      ['untracked.txt', 'added'],
      ['ünï cödé.txt', 'added'],
    ]);
    expect(file(c, 'new-name.txt').from?.path).toBe('old-name.txt');
    expect(file(c, 'mod.txt')).toMatchObject({ additions: 2, deletions: 1, binary: false, uncommitted: false, special: null });
    expect(file(c, 'bin.dat')).toMatchObject({ binary: true, additions: null, deletions: null });
    expect(file(c, 'model.bin').special).toBe('lfs');
    expect(file(c, 'sub').special).toBe('submodule');
    expect(c.files.filter((f) => f.uncommitted).map((f) => f.path)).toEqual(['unc.txt', 'untracked.txt']);
    // Ids are the exact bytes, where the shown text is not.
    expect(Buffer.from(file(c, 'new\\nline.txt').id, 'base64').equals(NEWLINE_NAME)).toBe(true);
    expect(Buffer.from(file(c, 'bad\ufffd.txt').id, 'base64').equals(BAD_NAME)).toBe(true);
  });

  it('gives both sides of each file by its id: text, absent, binary, renamed, uncommitted, odd names', async () => {
    const text = (d: FileDiff) => [d.old.text, d.new.text];
    expect(text(await fileDiff(a, bytes('mod.txt')))).toEqual(['one\ntwo\n', 'one\nTWO\nthree\n']);
    const del = await fileDiff(a, bytes('del.txt'));
    expect(del.old).toMatchObject({ text: 'delete me\n', exists: true, sizeBytes: 10 });
    expect(del.new).toEqual({ text: null, exists: false, binary: false, sizeBytes: 0, truncated: false });
    const renamed = await fileDiff(a, bytes('new-name.txt'), { from: bytes('old-name.txt') });
    expect(renamed.old.text).toBe(renamed.new.text);
    expect(renamed.new.text?.split('\n')[49]).toBe('50');
    const bin = await fileDiff(a, bytes('bin.dat'));
    expect(bin.old.exists).toBe(false);
    expect(bin.new).toMatchObject({ text: null, exists: true, binary: true, sizeBytes: 8 });
    expect(text(await fileDiff(a, bytes('unc.txt')))).toEqual(['unc\n', 'unc changed\n']);
    expect(text(await fileDiff(a, bytes('untracked.txt')))).toEqual([null, 'untracked\n']);
    expect((await fileDiff(a, bytes('ünï cödé.txt'))).new.text).toBe('hallo\n');
    const nl = await fileDiff(a, NEWLINE_NAME);
    expect(nl).toMatchObject({ path: 'new\\nline.txt', new: { text: 'nl\n' } });
    expect((await fileDiff(a, BAD_NAME)).new.text).toBe('bad\n');
    expect((await fileDiff(a, bytes('sub'))).new.text).toMatch(/^Subproject commit [0-9a-f]{40}\n$/);
    await expect(fileDiff(a, bytes('keep.txt'))).rejects.toThrow(/keep.txt is not among the files/);
    await expect(fileDiff(a, bytes('new-name.txt'), { from: bytes('mod.txt') })).rejects.toThrow(/did not rename/);
  });

  it('cuts a huge side and keeps its size', async () => {
    await sh(a, 'cd /workspace && head -c 3000000 /dev/zero | tr "\\0" "x" > huge.txt');
    const d = await fileDiff(a, bytes('huge.txt'));
    expect(d.new).toMatchObject({ exists: true, binary: false, sizeBytes: 3_000_000, truncated: true });
    expect(d.new.text?.length).toBe(1024 * 1024);
    await sh(a, 'rm /workspace/huge.txt');
  });

  it('answers an unchanged tree from its cache, and reads again once anything changes', async () => {
    const first = await changes(a);
    const before = reads;
    const again = await changes(a);
    expect(reads).toBe(before);
    expect(again).toEqual(first);
    await fileDiff(a, bytes('mod.txt'));
    expect(reads).toBe(before);
    await sh(a, "printf 'more\\n' >> /workspace/untracked.txt");
    const changed = await changes(a);
    expect(reads).toBe(before + 1);
    expect(changed.fingerprint).not.toBe(first.fingerprint);
    expect(changed.readAt).toBeGreaterThanOrEqual(first.readAt);
    expect(file(changed, 'untracked.txt').additions).toBe(2);
  });

  it('compares two agents from one base: alike, different, only in one', async () => {
    const cmp = await backend.handlers['workspace.compare']({ a, b }, { client: null });
    expect(cmp).toMatchObject({ a, b, base, sameBase: true, truncated: false });
    const by = new Map(cmp.files.map((f) => [f.path, f]));
    expect(by.get('alike.txt')).toMatchObject({ inA: 'modified', inB: 'modified', same: true });
    expect(by.get('differ.txt')).toMatchObject({ inA: 'modified', inB: 'modified', same: false });
    expect(by.get('only-a.txt')).toMatchObject({ inA: 'added', inB: null, same: false });
    expect(by.get('mod.txt')).toMatchObject({ inA: 'modified', inB: null, same: false });
    expect(by.has('keep.txt')).toBe(false);
    // A's version against B's: each from its own agent, the base's where one left it alone.
    expect([(await fileDiff(a, bytes('differ.txt'), { against: b })).old.text, (await fileDiff(a, bytes('differ.txt'), { against: b })).new.text]).toEqual(['A\n', 'B\n']);
    const onlyA = await fileDiff(a, bytes('only-a.txt'), { against: b });
    expect([onlyA.old.text, onlyA.new.exists]).toEqual(['only a\n', false]);
    const mod = await fileDiff(a, bytes('mod.txt'), { against: b });
    expect([mod.old.text, mod.new.text]).toEqual(['one\nTWO\nthree\n', 'one\ntwo\n']);
    await expect(fileDiff(a, bytes('keep.txt'), { against: b })).rejects.toThrow(/Neither/);
  });

  it('10,000 changed files: the list holds the first MAX_CHANGED_FILES, marked truncated', async () => {
    await sh(b, 'mkdir /workspace/many && cd /workspace/many && seq -w 1 10000 | xargs touch');
    try {
      const c = await changes(b);
      expect(c).toMatchObject({ state: 'ok', truncated: true, uncommittedFiles: 10_000 });
      expect(c.files).toHaveLength(5000);
      expect(c.files[0]).toMatchObject({ path: 'alike.txt', uncommitted: false });
      expect(c.files[2]).toMatchObject({ path: 'many/00001', status: 'added', uncommitted: true, additions: 0 });
      expect(c.files.at(-1)?.path).toBe('many/04998');
    } finally {
      await sh(b, 'rm -rf /workspace/many');
    }
    expect((await changes(b)).truncated).toBe(false);
  });

  it('reads a /workspace that belongs to another user of the agent (git would call it dubious)', async () => {
    const before = await changes(b);
    await sh(b, 'chown -R 1000:1000 /workspace && ! git -C /workspace rev-parse 2>/dev/null');
    const after = await changes(b);
    expect(after.state).toBe('ok');
    expect(after.fingerprint).toBe(before.fingerprint);
    expect(after.files).toEqual(before.files);
  });

  it('says what an agent without a workspace, a stopped one and a plain copy are, without reading', async () => {
    const c = `ch-c-${suffix()}`;
    await backend.handlers['agents.create']({ name: c, image: AGENT_IMAGE, network: { mode: 'none', allow: [], ingress: '', egress: '' } }, { client: null });
    expect(await changes(c)).toMatchObject({ state: 'no-workspace', files: [], fingerprint: '' });
    expect(await backend.handlers['workspace.compare']({ a, b: c }, { client: null })).toEqual({ a, b: c, base: null, sameBase: false, files: [], truncated: false });
    await patchConfig(project.client, c, { [`${META_PREFIX}workspace.mode`]: 'copy', [`${META_PREFIX}workspace.source`]: '/srv/p', [`${META_PREFIX}workspace.kind`]: 'plain' });
    await backend.local.agents.reload(c);
    expect(await changes(c)).toMatchObject({ state: 'plain', mode: 'copy' });
    await backend.handlers['agents.action']({ name: c, action: 'stop', force: true }, { client: null });
    const before = reads;
    expect(await changes(c)).toMatchObject({ state: 'stopped', message: expect.stringMatching(/not running/) });
    expect(reads).toBe(before);
  });

  it('a hostile git that floods, prints garbage or hangs fails the read with a bounded error, and holds nothing', async () => {
    await sh(
      a,
      `mv /usr/bin/git /usr/bin/git.real
cat > /usr/bin/git <<'EOF'
#!/bin/sh
case "$(cat /tmp/git-mode)" in
  all-flood) head -c 100000 /dev/zero | tr '\\0' x; exit 0;;
  all-garbage) echo 'ok this is not git'; exit 0;;
esac
for arg in "$@"; do
  if [ "$arg" = diff-tree ]; then
    case "$(cat /tmp/git-mode)" in
      flood) head -c 100000000 /dev/zero; exit 0;;
      garbage) yes 'garbage out of git' | head -c 100000000; exit 0;;
      nulless) printf ':100644 100644 ${'a'.repeat(40)} ${'b'.repeat(40)} M'; exit 0;;
      hang) exec sleep 3600;;
    esac
  fi
done
exec /usr/bin/git.real "$@"
EOF
chmod +x /usr/bin/git`,
    );
    const reading = backend.local.workspace.reading;
    const bounds = reading.bounds;
    reading.bounds = { ...bounds, timeoutMs: 5_000 };
    project.defer(() => (reading.bounds = bounds));
    const hostile = async (mode: string) => {
      // Something changes, so the work is read again (not answered from the cache).
      await sh(a, `echo ${mode} > /tmp/git-mode; echo ${mode} >> /workspace/untracked.txt`);
      return changes(a);
    };
    try {
      const list = `the list of (changed|uncommitted) files`;
      await expect(hostile('flood')).rejects.toThrow(new RegExp(`^${a}: The agent's git answered ${list} with something else`));
      await expect(hostile('garbage')).rejects.toThrow(/bytes without a NUL/);
      await expect(hostile('nulless')).rejects.toThrow(/does not end with a NUL/);
      // Every git command hostile, so the work state itself too.
      await expect(hostile('all-flood')).rejects.toThrow(`Reading the work in ${a} failed: its git printed far more than a commit and a tree and was stopped.`);
      await expect(hostile('all-garbage')).rejects.toThrow(/not a commit and a tree/);
      const hanging = hostile('hang');
      hanging.catch(() => undefined);
      // Nothing is held meanwhile: the other agent reads, and an action on this one goes through.
      expect((await changes(b)).state).toBe('ok');
      await backend.handlers['snapshots.create']({ agent: a, name: 'during-hang' }, { client: null });
      await expect(hanging).rejects.toThrow(new RegExp(`^Reading ${list} in ${a} failed: its git did not answer within 5 s and was stopped\\.$`));
    } finally {
      await sh(a, 'mv /usr/bin/git.real /usr/bin/git');
    }
    // Its own git back, the same agent reads again at once.
    expect((await changes(a)).state).toBe('ok');
  });

  it('history rewritten over the base is shown as such, listed against the base while it exists', async () => {
    await sh(a, `cd /workspace && git reset -q --soft ${base} && git commit -q --amend -m 'rewritten base'`);
    const c = await changes(a);
    expect(c.state).toBe('rewritten');
    expect(c.message).toContain(base.slice(0, 12));
    expect(c.message).toContain((c.head as string).slice(0, 12));
    expect(c.message).toMatch(/nothing is fetched silently/i);
    expect(file(c, 'mod.txt').status).toBe('modified');
    expect(c.commits.map((x) => x.subject)).toEqual(['rewritten base']);
    // An orphan branch and the old history collected: the base is gone, nothing can be listed.
    await sh(
      a,
      `cd /workspace && git checkout -q --orphan fresh && git commit -q -m orphan
git for-each-ref --format='%(refname)' refs/heads | grep -v '^refs/heads/fresh$' | xargs -r -n1 git update-ref -d
rm -f .git/ORIG_HEAD; git reflog expire --expire=now --all && git gc -q --prune=now
! git cat-file -e ${base}`,
    );
    const gone = await changes(a);
    expect(gone).toMatchObject({ state: 'rewritten', files: [], commits: [] });
    expect(gone.message).toMatch(/is gone from/);
  });

  it('a deleted /workspace is missing: nothing can be brought back', async () => {
    await sh(a, 'rm -rf /workspace');
    const c = await changes(a);
    expect(c).toMatchObject({ state: 'missing', files: [], message: `/workspace or its git repository is gone from ${a}: nothing can be brought back.` });
    await expect(fileDiff(a, bytes('mod.txt'))).rejects.toThrow(/gone from/);
  });
});
