import { EnclaveError } from '../../../shared/errors.js';
import { WORKSPACE_PATH, isCommitId } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { SAFE_GIT } from './work-state.js';

/** The agent's replace refs are ignored too: the gate names real objects only. */
const GIT = `${SAFE_GIT} --no-replace-objects`;

/**
 * Enclave's commands run as root inside the agent; when /workspace's repository belongs to
 * another user, what root wrote in it (the gate's objects, refs and index, and the blobs the
 * work-state read hashed) is given back to that user, so the agent's own git can still write
 * its repository. Only then is .git walked.
 */
export const GIVE_BACK = `own=$(stat -c %u:%g .git 2>/dev/null)
case "$own" in 0:*|'') ;; *) find .git -user 0 -exec chown -h "$own" {} + 2>/dev/null ;; esac`;

/**
 * Commits exactly the reviewed tree inside the agent, on top of the reviewed HEAD: a commit
 * object made from the tree (never from whatever the working tree holds by now), then HEAD's
 * branch moved only if it is still at the reviewed commit (compare-and-swap), then the agent's
 * index set to it (its working tree already matches). The message comes on stdin, never as a
 * shell word. Exit 11: HEAD moved meanwhile.
 */
const SCRIPT = `cd ${WORKSPACE_PATH} || exit 10
new=$(${GIT} commit-tree "$1" -p "$2" -F -) || exit 10
${GIT} update-ref -m "Enclave: the reviewed work committed" HEAD "$new" "$2" || exit 11
# The commit stands once HEAD moved: an index the agent's own git holds locked stays as it is.
${GIT} read-tree "$new" 2>/dev/null && ${GIT} update-index -q --refresh >/dev/null 2>&1
${GIVE_BACK}
echo "ok $new"`;

/** Who the commit names as author and committer. */
export function insideIdentity(agent: string): Record<string, string> {
  const name = `${agent} via Enclave`;
  const email = `${agent}@enclave.invalid`;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}

/** The commit's id from the script's one line; anything else is refused. */
export function parseCommitted(stdout: string): string {
  const m = /^ok ([0-9a-f]{40}|[0-9a-f]{64})$/.exec(stdout.trim());
  if (!m?.[1] || !isCommitId(m[1])) throw new EnclaveError('internal', "The agent's git answered something that is not a commit id; nothing was brought back.");
  return m[1];
}

export async function commitInside(client: IncusClient, agent: string, tree: string, head: string, message: string): Promise<string> {
  const body = message.endsWith('\n') ? message : `${message}\n`;
  const r = await execCommand(client, agent, ['sh', '-c', SCRIPT, 'sh', tree, head], {
    stdin: Buffer.from(body, 'utf8'),
    environment: insideIdentity(agent),
    timeoutMs: 120_000,
    maxOutputBytes: 64 * 1024,
  });
  if (r.exitCode === 11) {
    throw new EnclaveError('conflict', `The work in ${agent} changed since you reviewed it (its HEAD moved): look at the changes again.`);
  }
  if (r.exitCode !== 0) {
    throw new EnclaveError('internal', `Committing the reviewed work inside ${agent} failed (step ${r.exitCode}); nothing was brought back.`);
  }
  return parseCommitted(r.stdout.toString('utf8'));
}

/**
 * HEAD's commit and tree as they are now, read inside (beside the work state, so the gate
 * knows whether there is uncommitted work); null in a repository without commits.
 */
export async function headNow(client: IncusClient, agent: string): Promise<{ head: string; tree: string } | null> {
  const script = `cd ${WORKSPACE_PATH} 2>/dev/null || exit 0
h=$(${GIT} rev-parse -q --verify HEAD^{commit} 2>/dev/null) && echo "$h" && ${GIT} rev-parse -q --verify "$h^{tree}" 2>/dev/null; exit 0`;
  const r = await execCommand(client, agent, ['sh', '-c', script], { timeoutMs: 30_000, maxOutputBytes: 4096 });
  return parseHeadNow(r.stdout.toString('utf8'));
}

export function parseHeadNow(stdout: string): { head: string; tree: string } | null {
  const lines = stdout.trim().split('\n');
  if (lines.length !== 2 || !lines.every(isCommitId)) return null;
  return { head: lines[0] as string, tree: lines[1] as string };
}
