/**
 * The host half of the gate with real git on the host: bundles made here stand for the ones
 * an agent makes (the itest makes them inside a real agent).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeRepo, writeFiles } from '../../test-support/git-repo.js';
import { applyPatch } from './apply-patch.js';
import { REVIEW_REF } from './bundle-out.js';
import { fetchAsBranch } from './host-branch.js';
import { Staging } from './staging.js';

const T = 60_000;
const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A host repository, and a clone standing for the agent's copy with `change` committed on top. */
function setup(change: (clone: string) => void) {
  const host = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'keep.txt': 'keep\n' });
  dirs.push(host);
  const base = git(host, ['rev-parse', 'HEAD']).trim();
  const clone = join(temp('enclave-agentcopy-'), 'w');
  git(host, ['clone', '-q', host, clone]);
  change(clone);
  const commit = git(clone, ['rev-parse', 'HEAD']).trim();
  git(clone, ['update-ref', REVIEW_REF, commit]);
  const bundle = join(temp('enclave-bundle-'), 'b.bundle');
  git(clone, ['bundle', 'create', '-q', bundle, REVIEW_REF, `^${base}`]);
  return { host, base, commit, bundle, clone };
}

const commitAll = (dir: string, files: Record<string, string>, message: string) => {
  writeFiles(dir, files);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', message]);
};

describe('Staging', () => {
  it('imports a bundle, lists its files, and the branch lands in the host without touching its checkout', async () => {
    const { host, base, commit, bundle } = setup((c) => commitAll(c, { 'a.txt': 'one\n2\nthree\n', 'new.txt': 'new\n' }, 'agent work'));
    writeFileSync(join(host, 'keep.txt'), 'edited by the user\n');
    const staging = await Staging.create(host, temp('enclave-stagingtest-'), T);
    expect(await staging.hasCommit(base)).toBe(true);
    await staging.importBundle(bundle, commit, 'x');
    expect(await staging.isAncestor(base, commit)).toBe(true);
    const { entries } = await staging.changedFiles(base, commit, 100);
    expect(entries.map((e) => [e.status, e.path.toString()])).toEqual([
      ['modified', 'a.txt'],
      ['added', 'new.txt'],
    ]);
    const status = git(host, ['status', '--porcelain']);
    expect(await fetchAsBranch(host, staging, 'x', commit, false, T)).toEqual({ branch: 'enclave/x', replaced: null });
    expect(git(host, ['rev-parse', 'enclave/x']).trim()).toBe(commit);
    expect(git(host, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('main');
    expect(git(host, ['status', '--porcelain'])).toBe(status);
    // The objects arrived as a whole, checked pack: the user's repository holds all of the work.
    git(host, ['fsck', '--strict', '--no-dangling']);
    expect(git(host, ['show', 'enclave/x:new.txt'])).not.toBe('');
  });

  it('refuses a bundle whose objects fsck rejects (a tree with .git in it), though git 2.39 fetches it from a bundle unchecked', async () => {
    const { host, commit, bundle } = setup((c) => {
      const blob = git(c, ['hash-object', '-w', '--stdin'], 'evil\n').trim();
      const tree = git(c, ['mktree'], `100644 blob ${blob}\t.GIT\n100644 blob ${blob}\ta.txt\n`).trim();
      const evil = git(c, ['commit-tree', tree, '-p', 'HEAD', '-m', 'evil']).trim();
      git(c, ['update-ref', 'refs/heads/main', evil]);
    });
    const staging = await Staging.create(host, temp('enclave-stagingtest-'), T);
    await expect(staging.importBundle(bundle, commit, 'x')).rejects.toThrow(/objects failed git's checks.*hasDotgit/);
    expect(await staging.hasCommit(commit)).toBe(false);
    // The plain bundle fetch would have taken it: what the strict import prevents.
    const plain = join(temp('enclave-plain-'), 'p.git');
    git(host, ['init', '-q', '--bare', plain]);
    writeFileSync(join(plain, 'objects/info/alternates'), `${join(host, '.git/objects')}\n`);
    git(plain, ['-c', 'fetch.fsckObjects=true', 'fetch', '-q', bundle, `${REVIEW_REF}:${REVIEW_REF}`]);
    expect(git(plain, ['rev-parse', REVIEW_REF]).trim()).toBe(commit);
  });

  it('refuses a bundle that carries another commit or ref', async () => {
    const { host, base, bundle } = setup((c) => commitAll(c, { 'b.txt': 'b\n' }, 'w'));
    const staging = await Staging.create(host, temp('enclave-stagingtest-'), T);
    await expect(staging.importBundle(bundle, base, 'x')).rejects.toThrow(/exactly refs\/enclave\/review/);
    const junk = join(temp('enclave-junk-'), 'j.bundle');
    writeFileSync(junk, 'PACK');
    await expect(staging.importBundle(junk, base, 'x')).rejects.toThrow(/header end/);
  });

  it('an existing branch outside the history is refused, and replaced with force', async () => {
    const { host, commit, bundle } = setup((c) => commitAll(c, { 'b.txt': 'b\n' }, 'w'));
    git(host, ['branch', 'enclave/x']);
    git(host, ['checkout', '-q', 'enclave/x']);
    commitAll(host, { 'c.txt': 'c\n' }, 'user work on the branch');
    const old = git(host, ['rev-parse', 'HEAD']).trim();
    const staging = await Staging.create(host, temp('enclave-stagingtest-'), T);
    await staging.importBundle(bundle, commit, 'x');
    await expect(fetchAsBranch(host, staging, 'x', commit, true, T)).rejects.toThrow(/enclave\/x is checked out/);
    git(host, ['checkout', '-q', 'main']);
    await expect(fetchAsBranch(host, staging, 'x', commit, false, T)).rejects.toThrow(/not in the history of the reviewed work/);
    expect(git(host, ['rev-parse', 'enclave/x']).trim()).toBe(old);
    expect(await fetchAsBranch(host, staging, 'x', commit, true, T)).toEqual({ branch: 'enclave/x', replaced: old });
    expect(git(host, ['rev-parse', 'enclave/x']).trim()).toBe(commit);
  });

  it('a patch applies to the working tree only; a conflicting one is refused naming the files, with nothing written', async () => {
    const { host, base, commit, bundle } = setup((c) => {
      commitAll(c, { 'a.txt': 'one\nTWO\nthree\n', 'added.txt': 'added\n', 'bin.dat': '\0\x01\x02' }, 'w');
      git(c, ['rm', '-q', 'keep.txt']);
      git(c, ['commit', '-q', '-m', 'rm']);
    });
    const staging = await Staging.create(host, temp('enclave-stagingtest-'), T);
    await staging.importBundle(bundle, commit, 'x');
    const patch = join(temp('enclave-patch-'), 'p.patch');
    await staging.writePatch(base, commit, patch);

    const conflicted = join(temp('enclave-host2-'), 'h');
    git(host, ['clone', '-q', host, conflicted]);
    writeFileSync(join(conflicted, 'a.txt'), 'one\nzwei\nthree\n');
    writeFileSync(join(conflicted, 'added.txt'), 'mine\n');
    const before = [git(conflicted, ['status', '--porcelain']), git(conflicted, ['diff']), readFileSync(join(conflicted, 'added.txt'), 'utf8')];
    await expect(applyPatch(conflicted, patch, T)).rejects.toThrow(/conflicting changes: a\.txt, added\.txt\. Nothing was applied/);
    expect([git(conflicted, ['status', '--porcelain']), git(conflicted, ['diff']), readFileSync(join(conflicted, 'added.txt'), 'utf8')]).toEqual(before);

    const bare = join(temp('enclave-bare-'), 'b.git');
    git(host, ['clone', '-q', '--bare', host, bare]);
    await expect(applyPatch(bare, patch, T)).rejects.toThrow(/has no working tree.*as a branch instead/);

    await applyPatch(host, patch, T);
    expect(readFileSync(join(host, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n');
    expect(readFileSync(join(host, 'bin.dat'))).toEqual(Buffer.from('\0\x01\x02'));
    expect(existsSync(join(host, 'keep.txt'))).toBe(false);
    expect(git(host, ['diff', '--cached', '--name-only'])).toBe('');
    expect(git(host, ['rev-parse', 'HEAD']).trim()).toBe(base);
  });
});
