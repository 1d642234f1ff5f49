import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { EnclaveError } from '../../../shared/errors.js';
import { sizeBytes as incusSizeBytes } from '../../../shared/limits.js';
import { displayPath, isOddName } from '../../../shared/workspace-paths.js';
import type { WorkspaceInspection, WorkspaceNote } from '../../../shared/workspace.js';
import { resolveFolder } from './folder.js';
import { userGit } from './host-git.js';
import { LFS_POINTER_START, formatSize, linksOutside, neededBytes, parseCountObjects, parseLsTreeZ, parseStatusZ, usesLfs } from './inspect-parse.js';
import type { MountSupport } from './mount-support.js';

/** What the copy needs to know of a git repository beyond the inspection. */
export interface GitFacts {
  /** The repository's own directory (a linked worktree's .git is a file pointing into it). */
  commonDir: string;
  objectsDir: string;
  /** Object stores the repository borrows from (objects/info/alternates), absolute, nearest first. */
  alternates: string[];
  objectFormat: 'sha1' | 'sha256';
  shallow: boolean;
  /** A partial clone: some objects are only on its server. */
  partialClone: boolean;
}

export interface FolderInspection {
  inspection: WorkspaceInspection;
  git: GitFacts | null;
}

/** Examples per note. */
const NOTE_PATHS = 10;
/** A plain folder is walked up to this many entries; past it, it is too many files to copy. */
export const MAX_PLAIN_ENTRIES = 500_000;
/** Symlinks read to see where they point, and small files read to see whether they are LFS pointers. */
const MAX_LINKS_READ = 5_000;
const MAX_POINTERS_READ = 2_000;

class Notes {
  private readonly found = new Map<WorkspaceNote['kind'], { count: number; paths: string[] }>();
  add(kind: WorkspaceNote['kind'], path: Uint8Array | string | null): void {
    const n = this.found.get(kind) ?? { count: 0, paths: [] };
    n.count++;
    if (path !== null && n.paths.length < NOTE_PATHS) n.paths.push(typeof path === 'string' ? path : displayPath(path));
    this.found.set(kind, n);
  }
  count(kind: WorkspaceNote['kind']): number {
    return this.found.get(kind)?.count ?? 0;
  }
  paths(kind: WorkspaceNote['kind']): string[] {
    return this.found.get(kind)?.paths ?? [];
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function notesOf(n: Notes, extra: WorkspaceNote[]): WorkspaceNote[] {
  const out: WorkspaceNote[] = [...extra];
  const push = (kind: WorkspaceNote['kind'], message: string) => out.push({ kind, message, paths: n.paths(kind) });
  const c = (k: WorkspaceNote['kind']) => n.count(k);
  if (c('submodules')) push('submodules', `${plural(c('submodules'), 'submodule')}: copied as they are: the submodule's commit is recorded, its contents are not brought in.`);
  if (c('lfs')) push('lfs', 'Git LFS is used here: LFS pointers are copied as pointers (the large files themselves are not brought in).');
  if (c('symlink-outside')) push('symlink-outside', `${plural(c('symlink-outside'), 'symlink')} ${c('symlink-outside') === 1 ? 'points' : 'point'} outside the project: kept as links and never followed; inside the agent they point into the agent's own filesystem.`);
  if (c('odd-names')) push('odd-names', `${plural(c('odd-names'), 'file name')} with newlines, control characters or invalid UTF-8: copied exactly, shown escaped.`);
  if (c('uncommitted')) push('uncommitted', `${plural(c('uncommitted'), 'file')} with uncommitted changes: brought in only when you ask for them.`);
  return out;
}

async function tooLargeOf(sizeBytes: number, fileCount: number, disk: string | undefined): Promise<{ needBytes: number; diskBytes: number } | null> {
  if (!disk) return null;
  const diskBytes = incusSizeBytes(disk);
  if (!Number.isFinite(diskBytes)) throw new EnclaveError('invalid-arguments', `The disk limit "${disk}" is not a size such as "10GiB".`);
  const needBytes = neededBytes(sizeBytes, fileCount);
  return needBytes > diskBytes ? { needBytes, diskBytes } : null;
}

export function tooLargeMessage(t: { needBytes: number; diskBytes: number }): string {
  return `The project needs ${formatSize(t.needBytes)} and the agent's disk is ${formatSize(t.diskBytes)} (with the agent's own files): raise the disk limit or bring in a smaller project.`;
}

/** What a host folder is, before anything is copied (workspace.inspect). */
/** `mount` says whether a live mount of the resolved folder works (not asked when absent: a copy). */
export async function inspectFolder(path: string, disk?: string, mount?: (root: string) => Promise<MountSupport>): Promise<FolderInspection> {
  const root = await resolveFolder(path);
  const dotGit = await lstat(join(root, '.git')).catch(() => null);
  const result = dotGit && (dotGit.isDirectory() || dotGit.isFile()) ? await inspectGit(root, dotGit.isFile()) : await inspectPlain(root);
  const { inspection } = result;
  inspection.tooLarge = await tooLargeOf(inspection.sizeBytes, inspection.fileCount, disk);
  if (inspection.tooLarge) inspection.notes.push({ kind: 'too-large', message: tooLargeMessage(inspection.tooLarge), paths: [] });
  inspection.mount = mount ? await mount(root) : { possible: false, reason: 'Not asked: this inspection is for a copy.' };
  return result;
}

/** Where the repository's objects are and what kind of store it is (cheap: no walk). */
export async function readGitFacts(root: string): Promise<GitFacts> {
  const probe = await userGit(root, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--git-path', 'objects', '--is-shallow-repository', '--show-object-format']);
  if (probe.code !== 0) {
    throw new EnclaveError('invalid-arguments', `${root} has a .git but git cannot read it as a repository: ${probe.stderr.split('\n')[0] ?? ''}`);
  }
  const [commonDir = '', objectsDir = '', shallowText, format] = probe.stdout.toString('utf8').split('\n');
  // A partial clone says so in extensions.partialClone (older git) or remote.<name>.promisor, and keeps .promisor packs.
  const ext = (await userGit(root, ['config', '--get', 'extensions.partialclone'])).code === 0;
  const promisor = await userGit(root, ['config', '--bool', '--get-regexp', '^remote\\..*\\.promisor$']);
  const promisorPacks = (await readdir(join(objectsDir, 'pack')).catch(() => [] as string[])).some((f) => f.endsWith('.promisor'));
  const partialClone = ext || / true$/m.test(promisor.stdout.toString('utf8')) || promisorPacks;
  return {
    commonDir,
    objectsDir,
    alternates: await readAlternates(objectsDir),
    objectFormat: format === 'sha256' ? 'sha256' : 'sha1',
    shallow: shallowText === 'true',
    partialClone,
  };
}

async function inspectGit(root: string, worktree: boolean): Promise<FolderInspection> {
  const git = await readGitFacts(root);
  const headR = await userGit(root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  const head = headR.code === 0 ? headR.stdout.toString('utf8').trim() : null;
  const branchR = await userGit(root, ['symbolic-ref', '-q', '--short', 'HEAD']);
  const branch = branchR.code === 0 ? branchR.stdout.toString('utf8').trim() || null : null;
  const notes = new Notes();
  const extra: WorkspaceNote[] = [];

  const status = await userGit(root, ['status', '--porcelain', '-z', '-uall', '--no-renames', '--ignore-submodules=all']);
  if (status.code !== 0) throw new EnclaveError('invalid-arguments', `git status failed in ${root}: ${status.stderr.split('\n')[0] ?? ''}`);
  const changed = parseStatusZ(status.stdout);
  for (const e of changed) {
    notes.add('uncommitted', e.path);
    if (isOddName(e.path)) notes.add('odd-names', e.path);
  }

  let tracked = 0;
  let fileCount = 0;
  if (head) {
    const tree = await userGit(root, ['ls-tree', '-r', '-z', '--long', '--full-tree', 'HEAD']);
    if (tree.code !== 0) throw new EnclaveError('invalid-arguments', `git ls-tree failed in ${root}: ${tree.stderr.split('\n')[0] ?? ''}`);
    const rootSlash = Buffer.from(`${root}/`);
    let links = 0;
    let pointers = 0;
    for (const e of parseLsTreeZ(tree.stdout)) {
      fileCount++;
      tracked += e.size;
      const rel = e.path.toString('utf8');
      const abs = Buffer.concat([rootSlash, e.path]);
      if (isOddName(e.path)) notes.add('odd-names', e.path);
      if (e.type === 'commit') notes.add('submodules', e.path);
      else if (e.mode === '120000' && links++ < MAX_LINKS_READ) {
        const target = await readlink(abs, { encoding: 'buffer' }).catch(() => null);
        if (target !== null && linksOutside(rel, target.toString('utf8'))) notes.add('symlink-outside', `${displayPath(e.path)} → ${displayPath(target)}`);
      } else if (rel === '.gitattributes' || rel.endsWith('/.gitattributes')) {
        if (e.size < 1024 * 1024 && usesLfs(await readFile(abs, 'utf8').catch(() => ''))) notes.add('lfs', e.path);
      } else if (e.size > 100 && e.size < 200 && pointers++ < MAX_POINTERS_READ) {
        const text = await readFile(abs, 'utf8').catch(() => '');
        if (text.startsWith(LFS_POINTER_START)) notes.add('lfs', e.path);
      }
    }
  }
  const counted = await userGit(root, ['count-objects', '-v']);
  let objects = counted.code === 0 ? parseCountObjects(counted.stdout.toString('utf8')) : 0;
  for (const alt of git.alternates) objects += (await walk(alt, null)).bytes;

  if (worktree) extra.push({ kind: 'worktree', message: `A linked worktree of the repository at ${git.commonDir}: its objects are copied, its other worktrees and branches are not.`, paths: [] });
  if (git.shallow) extra.push({ kind: 'shallow', message: 'A shallow clone: only the history it has is copied (its shallow boundary comes along).', paths: [] });
  return {
    inspection: {
      path: root,
      kind: 'git',
      head,
      branch,
      uncommittedFiles: changed.length,
      sizeBytes: objects + tracked,
      fileCount,
      notes: notesOf(notes, extra),
      mount: { possible: false, reason: '' },
      tooLarge: null,
    },
    git,
  };
}

/** The object stores objects/info/alternates names, with theirs in turn (at most 5 deep), absolute. */
export async function readAlternates(objectsDir: string, depth = 0): Promise<string[]> {
  if (depth >= 5) return [];
  const text = await readFile(join(objectsDir, 'info', 'alternates'), 'utf8').catch(() => '');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    if (l.startsWith('"')) throw new EnclaveError('invalid-arguments', `${objectsDir}/info/alternates names a quoted path; Enclave cannot copy a repository that borrows objects that way.`);
    const dir = isAbsolute(l) ? l : resolve(objectsDir, l);
    out.push(dir, ...(await readAlternates(dir, depth + 1)));
  }
  return [...new Set(out)];
}

interface Walked {
  bytes: number;
  files: number;
}

/**
 * Sizes of everything under `dir`, symlinks never followed, at most MAX_PLAIN_ENTRIES entries.
 * Paths are bytes throughout (a name need not be UTF-8).
 */
async function walk(dir: string, notes: Notes | null): Promise<Walked> {
  const total: Walked = { bytes: 0, files: 0 };
  let seen = 0;
  const slash = Buffer.from('/');
  const visit = async (abs: Buffer, relDir: Buffer): Promise<void> => {
    const names = await readdir(abs, { encoding: 'buffer' }).catch(() => [] as Buffer[]);
    for (const name of names) {
      if (++seen > MAX_PLAIN_ENTRIES) {
        throw new EnclaveError('invalid-arguments', `${dir} holds more than ${MAX_PLAIN_ENTRIES.toLocaleString('en-US')} files and folders: too many to copy into an agent.`);
      }
      const relPath = relDir.length ? Buffer.concat([relDir, slash, name]) : name;
      const child = Buffer.concat([abs, slash, name]);
      if (notes && isOddName(name)) notes.add('odd-names', relPath);
      const s = await lstat(child).catch(() => null);
      if (!s) continue;
      if (s.isSymbolicLink()) {
        total.files++;
        if (notes) {
          const target = await readlink(child, { encoding: 'buffer' }).catch(() => null);
          if (target !== null && linksOutside(relPath.toString('utf8'), target.toString('utf8'))) notes.add('symlink-outside', `${displayPath(relPath)} → ${displayPath(target)}`);
        }
      } else if (s.isDirectory()) {
        await visit(child, relPath);
      } else {
        total.files++;
        total.bytes += s.size;
      }
    }
  };
  await visit(Buffer.from(dir), Buffer.alloc(0));
  return total;
}

async function inspectPlain(root: string): Promise<FolderInspection> {
  const notes = new Notes();
  const walked = await walk(root, notes);
  const above = await userGit(root, ['rev-parse', '--show-toplevel']);
  const top = above.code === 0 ? above.stdout.toString('utf8').trim() : '';
  return {
    inspection: {
      path: root,
      kind: 'plain',
      head: null,
      branch: null,
      uncommittedFiles: 0,
      sizeBytes: walked.bytes,
      fileCount: walked.files,
      notes: notesOf(notes, [{ kind: 'not-git', message: `Not a git repository: it can be copied as plain files (no review gate) or git-initialised inside the agent.${top ? ` It is a folder inside the repository at ${top}: choose that folder to copy the repository.` : ''}`, paths: [] }]),
      mount: { possible: false, reason: '' },
      tooLarge: null,
    },
    git: null,
  };
}
