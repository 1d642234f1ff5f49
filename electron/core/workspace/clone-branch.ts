import { agentBranch, WORKSPACE_PATH } from '../../../shared/workspace.js';
import type { Agent } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { ExecLimitError, execCommand } from '../../incus/exec.js';
import { patchConfig } from '../../incus/instances.js';
import { META_PREFIX } from '../agent-model.js';
import { agentIdentity } from './copy-in.js';
import { WORKSPACE_META } from './meta.js';
import { SAFE_GIT } from './work-state.js';

const RENAME = `cd "${WORKSPACE_PATH}" 2>/dev/null || exit 3
${SAFE_GIT} rev-parse -q --verify "refs/heads/$1" >/dev/null || exit 3
${SAFE_GIT} branch -m "$1" "$2"
git config user.name "$3" && git config user.email "$4"`;

/**
 * A clone carries its source's copy of the project (it is on the root disk), on the source's
 * branch: it becomes enclave/<clone>, inside and in the clone's workspace keys, so the two
 * agents' work comes back as two branches. When the branch is gone (the source's agent
 * renamed or deleted it) the clone keeps its workspace keys as they were. Returns whether it renamed.
 */
export async function renameCloneBranch(client: IncusClient, clone: Agent): Promise<boolean> {
  const ws = clone.workspace;
  if (!ws || ws.mode !== 'copy' || ws.kind !== 'git' || !ws.branch || clone.status !== 'Running') return false;
  const target = agentBranch(clone.name);
  const id = agentIdentity(clone.name);
  if (ws.branch === target) return false;
  try {
    const r = await execCommand(client, clone.name, ['sh', '-c', RENAME, 'sh', ws.branch, target, id.name, id.email], { timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
    if (r.exitCode !== 0) return false;
  } catch (err) {
    if (err instanceof ExecLimitError) return false;
    throw err;
  }
  await patchConfig(client, clone.name, { [`${META_PREFIX}${WORKSPACE_META.branch}`]: target });
  return true;
}
