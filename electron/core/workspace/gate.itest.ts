import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import type { BroughtBack } from '../../../shared/workspace.js';
import { execCommand } from '../../incus/exec.js';
import { FilePullError, pullFile } from '../../incus/file-pull.js';
import { patchConfig } from '../../incus/instances.js';
import { testBackend } from '../../test-support/backend.js';
import { git, makeRepo } from '../../test-support/git-repo.js';
import { AGENT_IMAGE, suffix, useTestProject } from '../../test-support/project.js';
import { META_PREFIX } from '../agent-model.js';
import type { Backend } from '../backend.js';
import { DEFAULT_GATE_LIMITS } from './gate.js';
import { workspaceMeta } from './meta.js';
import { readWorkState } from './work-state.js';

describe('The review gate (the real daemon)', () => {
  const project = useTestProject();
  const agent = `gate-${suffix()}`;
  const branch = `enclave/${agent}`;
  let backend: Backend;
  let host: string;
  let base: string;
  /** Where every hostile script planted in the agent would write: the same path on the host and inside. */
  const markers = mkdtempSync(join(tmpdir(), 'enclave-gate-markers-'));
  project.defer(() => rmSync(markers, { recursive: true, force: true }));

  const sh = async (script: string, stdin?: Buffer) => {
    const r = await execCommand(project.client, agent, ['sh', '-c', `cd /workspace 2>/dev/null; ${script}`], { stdin, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`inside: ${script}: exit ${r.exitCode}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  const reviewed = async () => {
    const s = await readWorkState(project.client, agent);
    if (s === 'missing') throw new Error('no workspace');
    return s;
  };
  const fetch = (args: { as: 'branch' | 'patch'; reviewed: string; message?: string; force?: boolean; head?: string | null }) =>
    backend.handlers['workspace.fetch']({ agent, ...args }, { client: null });
  const refused = async (p: Promise<unknown>): Promise<EnclaveError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnclaveError);
    return err as EnclaveError;
  };
  const hostBranch = () => git(host, ['rev-parse', '-q', '--verify', `refs/heads/${branch}`]).trim();
  const hostBranchOrNull = () => {
    try {
      return hostBranch();
    } catch {
      return null;
    }
  };
  const hostState = () => [git(host, ['status', '--porcelain', '--untracked-files=all']), git(host, ['diff']), git(host, ['rev-parse', 'HEAD'])];

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'gate'));
    backend.start();
    await backend.ready();
    host = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'src/lib.ts': 'export const x = 1;\n', 'bin.dat': Buffer.from([0, 1, 2, 255]), 'keep.txt': 'keep\n' }, { prefix: 'enclave-gate-host-' });
    project.defer(() => rmSync(host, { recursive: true, force: true }));
    base = git(host, ['rev-parse', 'HEAD']).trim();
    await backend.handlers['agents.create']({ name: agent, image: AGENT_IMAGE, network: { mode: 'none', allow: [], ingress: '', egress: '' } }, { client: null });
    // The copy, made simply here (the copy-in is another part): a bundle of the host's main cloned onto enclave/<agent>.
    const seed = join(markers, '..', `enclave-gate-seed-${suffix()}.bundle`);
    git(host, ['bundle', 'create', '-q', seed, 'main']);
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(seed));
    rmSync(seed, { force: true });
    await sh(
      `cat > /tmp/in.bundle && git clone -q -b main /tmp/in.bundle /workspace && cd /workspace && git checkout -q -b ${branch} && git config user.name agent && git config user.email agent@example.invalid && rm /tmp/in.bundle`,
      bytes,
    );
    const meta = workspaceMeta({ mode: 'copy', source: host, kind: 'git', base, branch, readOnly: false });
    await patchConfig(project.client, agent, Object.fromEntries(Object.entries(meta).map(([k, v]) => [META_PREFIX + k, v])));
    expect((await backend.local.agents.reload(agent)).workspace?.base).toBe(base);
  });

  it('a stale review is refused and nothing is fetched or committed', async () => {
    await sh(`printf 'one\\ntwo\\nTHREE\\n' > a.txt`);
    const stale = await reviewed();
    await sh('echo more >> a.txt');
    const err = await refused(fetch({ as: 'branch', reviewed: stale.fingerprint, message: 'work' }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/changed since you reviewed it: look at the changes again/);
    const headGiven = await reviewed();
    expect((await refused(fetch({ as: 'branch', reviewed: headGiven.fingerprint, message: 'w', head: 'f'.repeat(40) }))).code).toBe('conflict');
    expect(hostBranchOrNull()).toBeNull();
    expect((await sh('git rev-parse HEAD')).trim()).toBe(base);
    const log = await backend.handlers['activity.list']({ agent }, { client: null });
    expect(log.filter((e) => e.kind === 'workspace').map((e) => e.message)).toEqual([
      `bringing work back failed: The work in ${agent} changed since you reviewed it: look at the changes again.`,
      `bringing work back failed: The work in ${agent} changed since you reviewed it: look at the changes again.`,
    ]);
  });

  it("fetch as branch: the host gets exactly base..commit (the agent's 2 commits and the reviewed uncommitted work), at the reviewed tree", async () => {
    await sh('git checkout -q -- a.txt && echo first > first.txt && git add -A && git commit -qm "agent one"');
    await sh(`printf 'export const x = 2;\\n' > src/lib.ts && git commit -qam "agent two"`);
    await sh(`echo untracked > new.txt && printf 'one\\nTWO\\nthree\\n' > a.txt && git rm -q keep.txt`);
    const state = await reviewed();
    const missing = await refused(fetch({ as: 'branch', reviewed: state.fingerprint }));
    expect(missing.code).toBe('invalid-arguments');
    expect(missing.message).toMatch(/^message: .*commit message/);
    const agentCommits = (await sh(`git rev-list ${base}..HEAD`)).trim().split('\n');
    const result = await fetch({ as: 'branch', reviewed: state.fingerprint, message: 'The reviewed work\n\nwith a body', head: state.head });
    expect(result).toMatchObject({ agent, as: 'branch', base, branch, replaced: null, committedInside: true, filesTruncated: false });
    expect(new Set(result.files.map((f) => `${f.status} ${f.path}`))).toEqual(new Set(['modified a.txt', 'added first.txt', 'added new.txt', 'deleted keep.txt', 'modified src/lib.ts']));
    expect(hostBranch()).toBe(result.commit);
    expect(git(host, ['rev-list', `${base}..${branch}`]).trim().split('\n')).toEqual([result.commit, ...agentCommits]);
    expect(git(host, ['rev-parse', `${branch}^{tree}`]).trim()).toBe(state.tree);
    expect(git(host, ['log', '-1', '--format=%an|%cn|%B', branch]).trim()).toBe(`${agent} via Enclave|${agent} via Enclave|The reviewed work\n\nwith a body`);
    // The host's checkout is untouched; inside, the commit is HEAD and the index matches it.
    expect(git(host, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('main');
    expect(git(host, ['status', '--porcelain'])).toBe('');
    expect((await sh('git rev-parse HEAD')).trim()).toBe(result.commit);
    expect(await sh('git status --porcelain')).toBe('');
    expect((await sh('ls /run/enclave')).trim()).toBe('');
    const entry = (await backend.handlers['activity.list']({ agent }, { client: null })).find((e) => e.broughtBack);
    expect(entry).toMatchObject({ kind: 'workspace', actor: { kind: 'user' }, message: `brought back ${result.commit.slice(0, 7)} as branch ${branch} (5 files)` });
    expect(entry?.broughtBack).toEqual(result);
  });

  it('a second fetch of the same agent while one runs is refused as busy; the first fast-forwards the branch', async () => {
    await sh('echo three > third.txt && git add third.txt && git commit -qm "agent three"');
    const state = await reviewed();
    const first = fetch({ as: 'branch', reviewed: state.fingerprint });
    const second = await refused(fetch({ as: 'branch', reviewed: state.fingerprint }));
    expect(second.code).toBe('busy');
    const result = await first;
    expect(result.committedInside).toBe(false);
    expect(result.commit).toBe(state.head);
    expect(hostBranch()).toBe(state.head);
  });

  it('a hostile repository inside (fsmonitor, hooksPath, hooks, filters, textconv) runs nothing on the host', async () => {
    await sh(`printf '* filter=evil diff=evil\\n' > .gitattributes && git add .gitattributes && git commit -qm "agent attributes"`);
    const evil = (name: string) => `mkdir -p ${markers}; echo ran > ${markers}/${name}`;
    const hooks = ['post-checkout', 'post-merge', 'reference-transaction', 'pre-commit', 'post-commit', 'post-rewrite', 'post-index-change', 'pre-auto-gc', 'fsmonitor-watchman', 'pre-push', 'post-update', 'pre-receive'];
    const plant = [
      `cp .git/config /tmp/config.orig && mkdir -p ${markers} .git/evil-hooks`,
      ...hooks.flatMap((h) => [
        `printf '#!/bin/sh\\n${evil(`hook-${h}`)}\\n' > .git/hooks/${h}`,
        `printf '#!/bin/sh\\n${evil(`hookspath-${h}`)}\\n' > .git/evil-hooks/${h}`,
      ]),
      'chmod +x .git/hooks/* .git/evil-hooks/*',
      `git config core.hooksPath /workspace/.git/evil-hooks`,
      `git config core.fsmonitor "${evil('fsmonitor')}; false"`,
      `git config filter.evil.clean "${evil('clean')}; cat"`,
      `git config filter.evil.smudge "${evil('smudge')}; cat"`,
      `git config diff.evil.textconv "${evil('textconv')}; cat"`,
      `git config core.pager "${evil('pager')}; cat"`,
      `git config uploadpack.packObjectsHook "${evil('pack-objects-hook')}"`,
      `git config core.alternateRefsCommand "${evil('alternate-refs')}"`,
      `git config core.sshCommand "${evil('ssh')}"`,
    ].join(' && ');
    await sh(plant);
    await sh('echo uncommitted > hostile.txt');
    const state = await reviewed();
    const result = await fetch({ as: 'branch', reviewed: state.fingerprint, message: 'hostile work' });
    expect(result.committedInside).toBe(true);
    expect(hostBranch()).toBe(result.commit);
    // The user checks the branch out and back on the host: their git knows no filter "evil".
    git(host, ['checkout', '-q', branch]);
    git(host, ['status', '--porcelain']);
    git(host, ['checkout', '-q', 'main']);
    // As a patch onto the clean host (the same change since the base).
    const after = await reviewed();
    const patched = await fetch({ as: 'patch', reviewed: after.fingerprint });
    expect(patched).toMatchObject({ as: 'patch', commit: result.commit, branch: null, committedInside: false });
    expect(git(host, ['status', '--porcelain'])).not.toBe('');
    git(host, ['add', '-A']);
    expect(git(host, ['write-tree']).trim()).toBe(git(host, ['rev-parse', `${result.commit}^{tree}`]).trim());
    git(host, ['reset', '-q', '--hard']);
    git(host, ['clean', '-fdq']);
    expect(readdirSync(markers)).toEqual([]);
    // Inside, Enclave's own commands ran none of the hooks, the fsmonitor or the pager (the
    // agent's clean filter is its own business inside it, bounded like every command there).
    expect((await sh(`ls ${markers}`)).trim().split('\n').filter((m) => m && m !== 'clean')).toEqual([]);
    // The planted scripts do run when the agent's own git is used plainly: the markers can appear.
    await sh('git commit -q --allow-empty -m probe; git log -1 -p >/dev/null; true');
    expect((await sh(`ls ${markers}`)).trim()).toMatch(/hook/);
    await sh(`rm -f ${markers}/* && cp /tmp/config.orig .git/config && rm -rf .git/evil-hooks && cd .git/hooks && rm -f ${hooks.join(' ')} && cd /workspace && git reset -q --soft HEAD~1`);
  });

  it('a patch onto conflicting host changes is refused, naming the files, and the host is left exactly as it was', async () => {
    const state = await reviewed();
    git(host, ['checkout', '-q', 'main']);
    await import('node:fs/promises').then(async (fs) => {
      await fs.writeFile(join(host, 'a.txt'), 'one\nzwei\nthree\n');
      await fs.writeFile(join(host, 'first.txt'), 'the user had this file\n');
    });
    const before = hostState();
    const err = await refused(fetch({ as: 'patch', reviewed: state.fingerprint }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/conflicting changes: .*a\.txt/);
    expect(err.message).toMatch(/first\.txt/);
    expect(err.message).toMatch(/Nothing was applied/);
    expect(hostState()).toEqual(before);
    git(host, ['reset', '-q', '--hard']);
    git(host, ['clean', '-fdq']);
  });

  it('rewritten history is refused (nothing fetched); with force it comes back and replaces the branch', async () => {
    const old = hostBranch();
    await sh(`git checkout -q --orphan rewritten && git commit -qm "history rewritten" && git branch -q -M ${branch}`);
    const state = await reviewed();
    const err = await refused(fetch({ as: 'branch', reviewed: state.fingerprint }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(new RegExp(`rewrote its history: its work ${state.head?.slice(0, 12) ?? ''} no longer contains the base ${base.slice(0, 12)}.*Nothing is fetched silently`));
    expect(hostBranch()).toBe(old);
    const forced: BroughtBack = await fetch({ as: 'branch', reviewed: state.fingerprint, force: true });
    expect(forced.replaced).toBe(old);
    expect(hostBranch()).toBe(state.head);
    expect(git(host, ['rev-parse', 'main']).trim()).toBe(base);
  });

  it('a bundle over the cap is refused and nothing is left behind', async () => {
    const gate = backend.local.workspace.gate;
    gate.limits = { ...DEFAULT_GATE_LIMITS, maxBundleBytes: 16 * 1024 };
    try {
      await sh(`head -c 65536 /dev/urandom > big.bin && git add big.bin && git commit -qm big`);
      const before = hostBranch();
      const state = await reviewed();
      const err = await refused(fetch({ as: 'branch', reviewed: state.fingerprint, force: true }));
      expect(err.code).toBe('too-large');
      expect(err.message).toMatch(/more than the 16384 bytes/);
      expect(hostBranch()).toBe(before);
      expect((await sh('ls /run/enclave')).trim()).toBe('');
      // The gate's temporary folder (bundle, staging repository) is gone too.
      expect(readdirSync(tmpdir()).filter((d) => d.startsWith('enclave-gate-work-'))).toEqual([]);
    } finally {
      gate.limits = { ...DEFAULT_GATE_LIMITS };
    }
  });

  it("a workspace owned by another user of the agent stays writable by that user's git after the gate committed in it", async () => {
    await sh('chown -R 1000:1000 /workspace && echo by-user > owned.txt && chown 1000:1000 owned.txt');
    const state = await reviewed();
    const result = await fetch({ as: 'branch', reviewed: state.fingerprint, message: 'owned work', force: true });
    expect(result.committedInside).toBe(true);
    expect(hostBranch()).toBe(result.commit);
    expect((await sh('find .git -user 0 | head -5')).trim()).toBe('');
    const asUser = await execCommand(
      project.client,
      agent,
      ['sh', '-c', 'cd /workspace && echo more > more.txt && git add more.txt && git commit -qm "by the user" && git rev-parse HEAD'],
      { user: 1000, group: 1000, environment: { HOME: '/tmp', GIT_AUTHOR_NAME: 'u', GIT_AUTHOR_EMAIL: 'u@x', GIT_COMMITTER_NAME: 'u', GIT_COMMITTER_EMAIL: 'u@x' }, timeoutMs: 30_000 },
    );
    expect(asUser.stderr.toString()).toBe('');
    expect(asUser.exitCode).toBe(0);
  });

  it('copying a file out refuses symlinks, directories and files over the cap, keeping nothing', async () => {
    await sh('mkdir -p /run/pull-test/dir && ln -sf /etc/passwd /run/pull-test/link && head -c 5000 /dev/zero > /run/pull-test/big && echo small > /run/pull-test/small');
    const dest = join(markers, '..', `enclave-gate-pull-${suffix()}`);
    const limits = { maxBytes: 4096, timeoutMs: 30_000 };
    const reason = (p: Promise<unknown>) => p.then(() => 'copied', (e: unknown) => (e instanceof FilePullError ? e.reason : String(e)));
    expect(await reason(pullFile(project.client, agent, '/run/pull-test/link', dest, limits))).toBe('not-a-file');
    expect(await reason(pullFile(project.client, agent, '/run/pull-test/dir', dest, limits))).toBe('not-a-file');
    expect(await reason(pullFile(project.client, agent, '/run/pull-test/big', dest, limits))).toBe('too-large');
    expect(await reason(pullFile(project.client, agent, '/run/pull-test/none', dest, limits))).toBe('not-found');
    expect(existsSync(dest)).toBe(false);
    expect(await pullFile(project.client, agent, '/run/pull-test/small', dest, limits)).toBe(6);
    expect(readFileSync(dest, 'utf8')).toBe('small\n');
    rmSync(dest, { force: true });
  });
});
