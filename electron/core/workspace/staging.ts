import { chmod, copyFile, mkdir, open, readdir, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { EnclaveError } from '../../../shared/errors.js';
import { isCommitId } from '../../../shared/workspace.js';
import { REVIEW_REF } from './bundle-out.js';
import { MAX_BUNDLE_HEADER_BYTES, BundleFormatError, parseBundleHeader } from './bundle-header.js';
import { hostGit, HostGitError } from './host-git.js';
import { parseNameStatus, type NameStatusEntry } from './name-status.js';

/**
 * Enclave's own bare repository in a temporary folder, where a bundle from an agent is
 * checked before anything of it reaches the user's repository. It borrows the user's objects
 * (objects/info/alternates) so the base is there without copying; its config is empty and
 * git runs on it with no user or system config (host-git 'staging').
 */
export class Staging {
  private constructor(
    readonly dir: string,
    private readonly timeoutMs: number,
    /** The user's repository's object store (borrowed here, and where checked packs go). */
    readonly userObjects: string,
  ) {}

  /** Makes the staging repository in `tmp`, borrowing `hostRepo`'s objects. */
  static async create(hostRepo: string, tmp: string, timeoutMs: number): Promise<Staging> {
    let common: string;
    try {
      common = (await hostGit('user', hostRepo, ['rev-parse', '--git-common-dir'], { timeoutMs: 30_000 })).stdout.toString('utf8').trim();
    } catch (err) {
      const why = err instanceof HostGitError ? err.message : String(err);
      throw new EnclaveError('conflict', `${hostRepo} is not a git repository any more (${why}); nothing was brought back.`);
    }
    const objects = join(isAbsolute(common) ? common : resolve(hostRepo, common), 'objects');
    if (objects.includes('\n')) throw new EnclaveError('conflict', `The path of ${hostRepo}'s objects has a newline; Enclave cannot borrow them.`);
    const dir = join(tmp, 'staging.git');
    await mkdir(dir);
    await hostGit('staging', dir, ['init', '-q', '--bare'], { timeoutMs: 30_000 });
    await writeFile(join(dir, 'objects', 'info', 'alternates'), `${objects}\n`);
    return new Staging(dir, timeoutMs, objects);
  }

  private git(args: string[], opts: Parameters<typeof hostGit>[3] = {}) {
    return hostGit('staging', this.dir, args, { timeoutMs: this.timeoutMs, ...opts });
  }

  /** Whether `commit` is a commit here (the user's repository holds it). */
  async hasCommit(commit: string): Promise<boolean> {
    return (await this.git(['cat-file', '-e', `${commit}^{commit}`], { okCodes: [1, 128] })).code === 0;
  }

  /**
   * Checks the bundle and takes its objects in: its header strictly (one ref, REVIEW_REF at
   * `commit`), its prerequisites present (git bundle verify), every object checked by fsck as
   * it is indexed (index-pack --strict; git 2.39 does not fsck objects fetched from a bundle),
   * and everything the commit reaches present. Then REVIEW_REF points at it here.
   */
  async importBundle(file: string, commit: string, agent: string): Promise<void> {
    const refuse = (why: string) => new EnclaveError('conflict', `The bundle from ${agent} was refused: ${why}; nothing was brought back.`);
    const fh = await open(file, 'r');
    let header;
    try {
      const buf = Buffer.alloc(MAX_BUNDLE_HEADER_BYTES);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      header = parseBundleHeader(buf.subarray(0, bytesRead));
    } catch (err) {
      if (err instanceof BundleFormatError) throw refuse(err.message);
      throw err;
    } finally {
      await fh.close();
    }
    const [ref, ...more] = header.refs;
    if (!ref || more.length || ref.name !== REVIEW_REF || ref.sha !== commit) {
      throw refuse(`it must carry exactly ${REVIEW_REF} at ${commit.slice(0, 12)}`);
    }
    // Both read the file apart: verified and indexed side by side.
    const verified = this.git(['bundle', 'verify', '-q', file]).then(
      () => null,
      (err: unknown) => refuse(`it needs commits your repository does not have (${err instanceof HostGitError ? err.message : String(err)})`),
    );
    const indexed = this.git(['index-pack', '--strict', '--fix-thin', '--stdin'], { stdinFile: { path: file, start: header.packOffset } }).then(
      () => null,
      (err: unknown) => refuse(`its objects failed git's checks (${err instanceof HostGitError ? err.message : String(err)})`),
    );
    const failed = (await verified) ?? (await indexed);
    if (failed) throw failed;
    try {
      await this.git(['rev-list', '--objects', '--quiet', commit, '--not', ...header.prerequisites, '--'], { maxOutputBytes: 4096 });
    } catch (err) {
      throw refuse(`objects the commit needs are missing (${err instanceof HostGitError ? err.message : String(err)})`);
    }
    await this.git(['update-ref', REVIEW_REF, commit]);
  }

  /**
   * Moves the packs this staging repository took in (checked by importBundle) into the user's
   * object store, as git's own fetch would have written them: each .pack before its .idx (git
   * sees a pack once its index is there), under a temporary name, then renamed. Saves indexing
   * the same objects a second time in the user's repository.
   */
  async installPacks(): Promise<void> {
    const here = join(this.dir, 'objects', 'pack');
    const there = join(this.userObjects, 'pack');
    const names = (await readdir(here)).filter((n) => /^pack-[0-9a-f]{40,64}\.pack$/.test(n));
    await mkdir(there, { recursive: true });
    for (const pack of names) {
      for (const file of [pack, pack.replace(/\.pack$/, '.idx')]) {
        const tmp = join(there, `tmp_enclave_${process.pid}_${file}`);
        await copyFile(join(here, file), tmp);
        await chmod(tmp, 0o444);
        await rename(tmp, join(there, file));
      }
    }
  }

  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    return (await this.git(['merge-base', '--is-ancestor', ancestor, commit], { okCodes: [1] })).code === 0;
  }

  /** The commit's tree and parents, read here (host git on checked objects). */
  async commitInfo(commit: string): Promise<{ tree: string; parents: string[] }> {
    const out = (await this.git(['rev-list', '--no-walk', '--format=%T %P', commit], { maxOutputBytes: 1024 * 1024 })).stdout.toString('utf8');
    const line = out.split('\n')[1] ?? '';
    const [tree, ...parents] = line.trim().split(' ').filter(Boolean);
    if (!tree || !isCommitId(tree) || !parents.every(isCommitId)) throw new EnclaveError('internal', `Reading commit ${commit.slice(0, 12)} in the staging repository gave no tree.`);
    return { tree, parents };
  }

  /** What base..commit changed, file by file (renames found), at most `max` entries. */
  async changedFiles(base: string, commit: string, max: number): Promise<{ entries: NameStatusEntry[]; truncated: boolean }> {
    const out = await this.git(['diff-tree', '-r', '-z', '-M', '--name-status', '--no-commit-id', base, commit], { maxOutputBytes: 256 * 1024 * 1024 });
    return parseNameStatus(out.stdout, max);
  }

  /** base..commit as a binary patch (every file whole-named, no renames) into `file`. */
  async writePatch(base: string, commit: string, file: string): Promise<void> {
    await this.git(['diff', '--binary', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', `--output=${file}`, base, commit, '--']);
  }
}
