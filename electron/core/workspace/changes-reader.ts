/**
 * Reads an agent's work against its base from inside the agent: the changed files (base's
 * tree against the tree of its whole working tree), which of them are not committed yet, and
 * its commits since the base. Everything comes from the agent's git and is bounded and parsed
 * strictly (change-parse.ts); paths travel as bytes and are never put into a shell.
 */
import {
  MAX_CHANGED_FILES,
  type AgentWorkspace,
  type ChangeStatus,
  type ChangedFile,
  type WorkspaceChanges,
  type WorkspaceCommit,
} from '../../../shared/workspace.js';
import { workspacePath } from '../../../shared/workspace-paths.js';
import type { IncusClient } from '../../incus/client.js';
import { agentGit, parsed } from './agent-git.js';
import {
  GITLINK_MODE,
  LOG_FORMAT,
  MAX_COMMITS,
  parseBatch,
  parseBatchCheck,
  parseDiffTree,
  parseLog,
  pathKey,
  type LineCounts,
  type RawEntry,
} from './change-parse.js';
import { reviewGitEnv, type GitEnv, type WorkState } from './work-state.js';

/** How long the agent's git may take to list, and how much it may print. */
export interface ReadBounds {
  timeoutMs: number;
  maxOutputBytes: number;
}

export const LIST_BOUNDS: ReadBounds = { timeoutMs: 60_000, maxOutputBytes: 8 * 1024 * 1024 };
const SMALL_TIMEOUT_MS = 20_000;
/** Git LFS pointer files are under 1 KiB and start with this line. */
const LFS_POINTER = Buffer.from('version https://git-lfs.github.com/spec/v1');
const LFS_MAX_BYTES = 1024;

/** Git's empty tree, which it knows without having it: the base of a repository copied in without commits. */
export function emptyTree(like: string): string {
  return like.length === 64 ? '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321' : '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
}

/** One read of the work: what workspace.changes answers, plus what fileDiff and compare need of it. */
export interface ChangesRead {
  changes: WorkspaceChanges;
  /** The listed files' raw entries (the first MAX_CHANGED_FILES), with both blob ids. */
  entries: RawEntry[];
  counts: Map<string, LineCounts>;
}

const STATUS: Record<RawEntry['status'], ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed', R: 'renamed' };

/** Whether the base commit is still in the repository (an orphan reset and gc can drop it). */
async function baseExists(client: IncusClient, agent: string, base: string, env: GitEnv): Promise<boolean> {
  const out = await agentGit(client, agent, ['cat-file', '--batch-check'], {
    env,
    what: 'the base commit',
    timeoutMs: SMALL_TIMEOUT_MS,
    maxOutputBytes: 4096,
    stdin: Buffer.from(`${base}\n`),
  });
  const [info] = parsed(agent, () => parseBatchCheck(out.stdout, [base], 'a question about the base commit'));
  return info?.type === 'commit';
}

async function isAncestor(client: IncusClient, agent: string, base: string, head: string, bounds: ReadBounds, env: GitEnv): Promise<boolean> {
  const out = await agentGit(client, agent, ['merge-base', '--is-ancestor', base, head], {
    env,
    what: 'the history since the base',
    timeoutMs: bounds.timeoutMs,
    maxOutputBytes: 4096,
    answers: [1],
  });
  return out.exitCode === 0;
}

/** base..tree (or HEAD..tree): raw entries with rename detection, and line counts when asked. */
async function diffTrees(client: IncusClient, agent: string, from: string, to: string, numstat: boolean, what: string, bounds: ReadBounds, env: GitEnv) {
  const args = ['diff-tree', '-r', '-z', '-M', '--raw', ...(numstat ? ['--numstat'] : []), '--no-abbrev', '--no-ext-diff', '--no-textconv', from, to];
  const out = await agentGit(client, agent, args, { what, ...bounds, keepCut: true, env });
  return parsed(agent, () => parseDiffTree(out.stdout, out.cut, what));
}

async function commitsSince(client: IncusClient, agent: string, base: string | null, head: string, bounds: ReadBounds, env: GitEnv): Promise<WorkspaceCommit[]> {
  const range = base ? [head, '--not', base] : [head];
  const out = await agentGit(
    client,
    agent,
    ['-c', 'log.showSignature=false', 'log', '-z', '--no-color', '--no-decorate', '--no-mailmap', `-n${MAX_COMMITS}`, LOG_FORMAT, ...range, '--'],
    { what: 'the commits since the base', timeoutMs: bounds.timeoutMs, maxOutputBytes: 1024 * 1024, env },
  );
  return parsed(agent, () => parseLog(out.stdout));
}

/** Which listed files are Git LFS pointers: their blob (after, or before a deletion) is small and starts so. */
async function lfsPointers(
  client: IncusClient,
  agent: string,
  entries: RawEntry[],
  counts: Map<string, LineCounts>,
  bounds: ReadBounds,
  env: GitEnv,
): Promise<Set<string>> {
  const side = (e: RawEntry) => (e.newBlob ? { blob: e.newBlob, mode: e.newMode } : { blob: e.oldBlob as string, mode: e.oldMode });
  const candidates = new Set<string>();
  for (const e of entries) {
    const { blob, mode } = side(e);
    if ((mode === '100644' || mode === '100755') && !counts.get(pathKey(e.path))?.binary) candidates.add(blob);
  }
  if (!candidates.size) return new Set();
  const ids = [...candidates];
  const checked = await agentGit(client, agent, ['cat-file', '--batch-check'], {
    what: 'the sizes of changed files',
    ...bounds,
    env,
    stdin: Buffer.from(ids.map((id) => `${id}\n`).join('')),
  });
  const small = parsed(agent, () => parseBatchCheck(checked.stdout, ids))
    .filter((o) => o.type === 'blob' && o.size >= LFS_POINTER.length && o.size <= LFS_MAX_BYTES)
    .map((o) => o.id);
  if (!small.length) return new Set();
  const out = await agentGit(client, agent, ['cat-file', '--batch'], {
    what: 'small changed files',
    env,
    timeoutMs: bounds.timeoutMs,
    maxOutputBytes: small.length * (LFS_MAX_BYTES + 100),
    stdin: Buffer.from(small.map((id) => `${id}\n`).join('')),
  });
  const contents = parsed(agent, () => parseBatch(out.stdout, small, LFS_MAX_BYTES));
  const pointers = new Set<string>();
  contents.forEach((content, n) => {
    if (content.subarray(0, LFS_POINTER.length).equals(LFS_POINTER)) pointers.add(small[n] as string);
  });
  const keys = new Set<string>();
  for (const e of entries) if (pointers.has(side(e).blob)) keys.add(pathKey(e.path));
  return keys;
}

function changedFile(e: RawEntry, counts: LineCounts | undefined, uncommitted: boolean, lfs: boolean): ChangedFile {
  const submodule = e.oldMode === GITLINK_MODE || e.newMode === GITLINK_MODE;
  const binary = !submodule && Boolean(counts?.binary);
  return {
    ...workspacePath(e.path),
    status: STATUS[e.status],
    from: e.from ? workspacePath(e.from) : null,
    binary,
    additions: submodule || binary ? null : (counts?.additions ?? null),
    deletions: submodule || binary ? null : (counts?.deletions ?? null),
    uncommitted,
    special: submodule ? 'submodule' : lfs ? 'lfs' : null,
  };
}

function shortId(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * Reads the agent's work as `state` (readWorkState's answer) describes it, against the
 * workspace's base. `readAt` is left 0: the caller stamps it.
 */
export async function readChanges(
  client: IncusClient,
  agent: string,
  workspace: AgentWorkspace,
  state: WorkState,
  bounds: ReadBounds = LIST_BOUNDS,
): Promise<ChangesRead> {
  const { head, tree } = state;
  const base = workspace.base;
  const env = reviewGitEnv(workspace);
  let rewritten = false;
  let listable = true;
  if (base) {
    listable = await baseExists(client, agent, base, env);
    rewritten = !listable || !head || !(await isAncestor(client, agent, base, head, bounds, env));
  }
  const from = base ?? emptyTree(tree);

  const [diff, uncommittedDiff, commits] = listable
    ? await Promise.all([
        diffTrees(client, agent, from, tree, true, 'the list of changed files', bounds, env),
        diffTrees(client, agent, head ?? emptyTree(tree), tree, false, 'the list of uncommitted files', bounds, env),
        head ? commitsSince(client, agent, base, head, bounds, env) : Promise.resolve([]),
      ])
    : [null, null, [] as WorkspaceCommit[]];

  const entries = diff?.entries.slice(0, MAX_CHANGED_FILES) ?? [];
  const counts = diff?.counts ?? new Map<string, LineCounts>();
  const uncommitted = new Set<string>();
  for (const e of uncommittedDiff?.entries ?? []) {
    uncommitted.add(pathKey(e.path));
    if (e.from) uncommitted.add(pathKey(e.from));
  }
  const lfs = await lfsPointers(client, agent, entries, counts, bounds, env);
  const files = entries.map((e) =>
    changedFile(e, counts.get(pathKey(e.path)), uncommitted.has(pathKey(e.path)) || (e.from !== null && uncommitted.has(pathKey(e.from))), lfs.has(pathKey(e.path))),
  );

  let message: string | null = null;
  if (rewritten && base) {
    const now = head ? `its HEAD ${shortId(head)}` : 'its repository, which has no commits now';
    message = listable
      ? `${agent} rewrote its history: the base commit ${shortId(base)} is no longer in the history of ${now}. Nothing is fetched silently: the files below are its work against the base; bring them back only if that is what you want.`
      : `${agent} rewrote its history: the base commit ${shortId(base)} is gone from ${now}, so its work cannot be listed against it. Nothing is fetched silently.`;
  }
  return {
    changes: {
      agent,
      state: rewritten ? 'rewritten' : 'ok',
      mode: workspace.mode,
      base,
      head,
      branch: workspace.branch,
      commits,
      files,
      truncated: Boolean(diff && (!diff.complete || diff.entries.length > MAX_CHANGED_FILES)),
      uncommittedFiles: uncommittedDiff?.entries.length ?? 0,
      fingerprint: state.fingerprint,
      readAt: 0,
      message,
    },
    entries,
    counts,
  };
}
