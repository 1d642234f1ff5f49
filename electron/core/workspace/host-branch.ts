import { EnclaveError } from '../../../shared/errors.js';
import { agentBranch } from '../../../shared/workspace.js';
import { REVIEW_REF } from './bundle-out.js';
import { hostGit, HostGitError } from './host-git.js';
import type { Staging } from './staging.js';

/**
 * Makes the checked commit branch enclave/<agent> in the user's repository: fetched from the
 * bundle file the staging repository has checked (the same bytes: index-pack --strict took them
 * in there; git's own fsck of fetched objects is asked for too, which newer gits also apply to
 * bundles), never touching the checked-out branch, the index or the working tree. Fetching the
 * bundle rather than from the staging repository saves packing the objects a second time. An existing branch that is not in the commit's
 * history is replaced only when the user forced it. Returns the branch's commit before, if replaced.
 */
export async function fetchAsBranch(
  source: string,
  staging: Staging,
  bundle: string,
  agent: string,
  commit: string,
  force: boolean,
  timeoutMs: number,
): Promise<{ branch: string; replaced: string | null }> {
  const branch = agentBranch(agent);
  const ref = `refs/heads/${branch}`;
  const user = (args: string[], okCodes: number[] = []) => hostGit('user', source, args, { timeoutMs, okCodes, maxOutputBytes: 1024 * 1024 });
  const checkedOut = (await user(['symbolic-ref', '-q', 'HEAD'], [1])).stdout.toString('utf8').trim();
  if (checkedOut === ref) {
    throw new EnclaveError('conflict', `${branch} is checked out in ${source}: Enclave does not move the branch you are on. Switch to another branch, then bring the work back.`);
  }
  const oldOut = (await user(['rev-parse', '-q', '--verify', `${ref}^{commit}`], [1])).stdout.toString('utf8').trim();
  const old = oldOut || null;
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
    await hostGit(
      'user',
      source,
      [
        '-c', 'fetch.fsckObjects=true', '-c', 'transfer.fsckObjects=true', '-c', 'protocol.file.allow=always',
        'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--no-auto-maintenance', '--no-prune',
        '--', bundle, `${replaced ? '+' : ''}${REVIEW_REF}:${ref}`,
      ],
      { timeoutMs },
    );
  } catch (err) {
    throw new EnclaveError('conflict', `Fetching the reviewed work into ${source} failed: ${err instanceof HostGitError ? err.message : String(err)}`);
  }
  const now = (await user(['rev-parse', '-q', '--verify', `${ref}^{commit}`], [1])).stdout.toString('utf8').trim();
  if (now !== commit) throw new EnclaveError('internal', `${branch} in ${source} is at ${now.slice(0, 12) || 'nothing'} after the fetch, not at ${commit.slice(0, 12)}.`);
  return { branch, replaced };
}
