import { EnclaveError } from '../../../shared/errors.js';
import { agentBranch } from '../../../shared/workspace.js';
import { hostGit, HostGitError } from './host-git.js';
import type { Staging } from './staging.js';

/** update-ref's "the ref must not exist yet". */
const ZERO = { 40: '0'.repeat(40), 64: '0'.repeat(64) } as const;

/**
 * Makes the checked commit branch enclave/<agent> in the user's repository: the packs the
 * staging repository took in (index-pack --strict checked every object) are placed in its object
 * store as a fetch would write them, and the branch is moved by compare-and-swap from the commit
 * read first, never touching the checked-out branch, the index or the working tree. An existing
 * branch that is not in the commit's history is replaced only when the user forced it. Returns
 * the branch's commit before, if replaced.
 */
export async function fetchAsBranch(
  source: string,
  staging: Staging,
  agent: string,
  commit: string,
  force: boolean,
  timeoutMs: number,
): Promise<{ branch: string; replaced: string | null }> {
  const branch = agentBranch(agent);
  const ref = `refs/heads/${branch}`;
  const user = (args: string[], okCodes: number[] = []) => hostGit('user', source, args, { timeoutMs, okCodes, maxOutputBytes: 1024 * 1024 });
  const [checkedOutR, oldR] = await Promise.all([user(['symbolic-ref', '-q', 'HEAD'], [1]), user(['rev-parse', '-q', '--verify', `${ref}^{commit}`], [1])]);
  if (checkedOutR.stdout.toString('utf8').trim() === ref) {
    throw new EnclaveError('conflict', `${branch} is checked out in ${source}: Enclave does not move the branch you are on. Switch to another branch, then bring the work back.`);
  }
  const old = oldR.stdout.toString('utf8').trim() || null;
  let replaced: string | null = null;
  if (old && old !== commit && !(await staging.isAncestor(old, commit))) {
    if (!force) {
      throw new EnclaveError(
        'conflict',
        `Your branch ${branch} is at ${old.slice(0, 12)}, which is not in the history of the reviewed work ${commit.slice(0, 12)}; nothing was fetched. Bring it back with force to replace the branch.`,
      );
    }
    replaced = old;
  }
  try {
    // The objects are the ones staging checked; the branch moves only from the commit read above.
    await staging.installPacks();
    await user(['update-ref', '-m', `enclave: work of ${agent}`, ref, commit, old ?? ZERO[commit.length === 64 ? 64 : 40]]);
  } catch (err) {
    throw new EnclaveError('conflict', `Bringing the reviewed work into ${source} failed: ${err instanceof HostGitError ? err.message : String(err)}`);
  }
  const now = (await user(['rev-parse', '-q', '--verify', `${ref}^{commit}`], [1])).stdout.toString('utf8').trim();
  if (now !== commit) throw new EnclaveError('internal', `${branch} in ${source} is at ${now.slice(0, 12) || 'nothing'} after the fetch, not at ${commit.slice(0, 12)}.`);
  return { branch, replaced };
}
