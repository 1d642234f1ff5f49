import { createHash } from 'node:crypto';
import { EnclaveError } from '../../../shared/errors.js';
import { WORKSPACE_PATH, isCommitId, type AgentWorkspace } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';

/**
 * Git as Enclave runs it inside an agent: nothing of the repository's own config that runs
 * programs (fsmonitor, hooks, pagers, external diff or text conversion) is used. The git
 * binary itself is the agent's, so everything it prints is untrusted and parsed strictly.
 * safe.directory: Enclave runs it as root, and /workspace may belong to another user of the
 * agent (then git would refuse it as "dubious ownership" and the work would read as missing).
 */
export const SAFE_GIT = `git -c core.fsmonitor=false -c core.hooksPath=/dev/null -c core.pager=cat -c diff.external= -c core.untrackedCache=false -c safe.directory=${WORKSPACE_PATH} --no-pager`;

/** The index Enclave keeps of its own in the agent's git dir (a copy), so the agent's index is never touched. */
const REVIEW_INDEX = 'enclave-review-index';

/**
 * In mount mode /workspace/.git is the user's own repository on the host: Enclave's reads must
 * write nothing there (no index, and no loose objects, which `git add` would leave as root in
 * the user's .git/objects). They keep both on the agent's own disk instead, reading the
 * repository's objects as alternates. Every git read of the changes reader runs with it, so
 * they find the trees and blobs written there.
 */
export const REVIEW_DIR = '/var/lib/enclave/review';

export type GitEnv = Readonly<Record<string, string>>;

/** The environment of Enclave's git reads for this workspace: none for a copy (its .git is the agent's own). */
export function reviewGitEnv(ws: Pick<AgentWorkspace, 'mode'> | null | undefined): GitEnv {
  if (ws?.mode !== 'mount') return {};
  return {
    GIT_INDEX_FILE: `${REVIEW_DIR}/index`,
    GIT_OBJECT_DIRECTORY: `${REVIEW_DIR}/objects`,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: `${WORKSPACE_PATH}/.git/objects`,
  };
}

/**
 * The agent's work as two immutable git objects: its HEAD and the tree of its working tree
 * (tracked and untracked, not ignored), written through Enclave's own index seeded from the
 * agent's: git rehashes only files whose stat changed, so an unchanged tree is not re-read.
 */
const SCRIPT = `set -e
cd ${WORKSPACE_PATH} 2>/dev/null || { echo missing; exit 0; }
[ -z "\${GIT_OBJECT_DIRECTORY:-}" ] || mkdir -p "$GIT_OBJECT_DIRECTORY"
${SAFE_GIT} rev-parse --git-dir >/dev/null 2>&1 || { echo missing; exit 0; }
idx="\${GIT_INDEX_FILE:-$(${SAFE_GIT} rev-parse --git-dir)/${REVIEW_INDEX}}"
[ -f "$idx" ] || { [ -f "$(${SAFE_GIT} rev-parse --git-dir)/index" ] && cp "$(${SAFE_GIT} rev-parse --git-dir)/index" "$idx" || true; }
head=$(${SAFE_GIT} rev-parse -q --verify HEAD^{commit} || echo none)
GIT_INDEX_FILE="$idx" ${SAFE_GIT} add -A . >/dev/null 2>&1
tree=$(GIT_INDEX_FILE="$idx" ${SAFE_GIT} write-tree 2>/dev/null) || {
  # A blob only Enclave's index named was collected (the agent ran git gc): start it afresh.
  rm -f "$idx"
  GIT_INDEX_FILE="$idx" ${SAFE_GIT} add -A . >/dev/null 2>&1
  tree=$(GIT_INDEX_FILE="$idx" ${SAFE_GIT} write-tree)
}
echo "ok $head $tree"`;

export interface WorkState {
  /** HEAD's commit; null in a repository without commits. */
  head: string | null;
  /** The tree of the whole working tree (what a commit of everything would hold). */
  tree: string;
  /** What workspace.changes gives and workspace.fetch's `reviewed` names. */
  fingerprint: string;
}

export function fingerprintOf(head: string | null, tree: string): string {
  return createHash('sha256').update(`${head ?? 'none'}\0${tree}`).digest('hex').slice(0, 32);
}

/** Parses the script's one line; anything else is the agent's doing and refused. */
export function parseWorkState(stdout: string): WorkState | 'missing' {
  const line = stdout.trim();
  if (line === 'missing') return 'missing';
  const m = /^ok (none|[0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64})$/.exec(line);
  if (!m?.[1] || !m[2] || (m[1] !== 'none' && !isCommitId(m[1]))) {
    throw new EnclaveError('internal', "The agent's git answered something that is not a commit and a tree; its repository cannot be read.");
  }
  const head = m[1] === 'none' ? null : m[1];
  return { head, tree: m[2], fingerprint: fingerprintOf(head, m[2]) };
}

/** Reads the agent's work state (bounded: 60 s, 4 KiB of output); `ws` says where Enclave's index and objects go (reviewGitEnv). */
export async function readWorkState(client: IncusClient, agent: string, ws?: Pick<AgentWorkspace, 'mode'> | null): Promise<WorkState | 'missing'> {
  const r = await execCommand(client, agent, ['sh', '-c', SCRIPT], { timeoutMs: 60_000, maxOutputBytes: 4096, environment: { ...reviewGitEnv(ws) } });
  if (r.exitCode !== 0) {
    throw new EnclaveError('internal', `Reading the work in ${agent}'s ${WORKSPACE_PATH} failed (git exited with ${r.exitCode}).`);
  }
  return parseWorkState(r.stdout.toString('utf8'));
}
