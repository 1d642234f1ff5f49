import type { AgentStatus } from './types.js';
import { WORKSPACE_PATH, type AgentWorkspace } from './workspace.js';

/**
 * What a restore leaves an agent in, by its status before: one that runs (or is frozen, or
 * on its way to either) is restarted from the snapshot and runs, everything that ran in it
 * ended; any other is left as it is (a stopped agent stays stopped). Checked against Incus
 * 6.0.4: a restore of a frozen container stops and starts it, Running after; of a stopped one
 * leaves it Stopped. The backend holds to this and the confirmation says it.
 */
export function restartsOnRestore(status: AgentStatus): boolean {
  return status === 'Running' || status === 'Frozen' || status === 'Freezing' || status === 'Starting';
}

/**
 * What a rollback does to the agent's workspace, for the rollback dialog: a copy lives on the
 * agent's own disk and rolls back with it; a mounted folder is the user's own and is in no
 * snapshot. Null without a workspace.
 */
export function workspaceRestoreNote(workspace: Pick<AgentWorkspace, 'mode' | 'source'> | null): string | null {
  if (!workspace) return null;
  if (workspace.mode === 'mount') return `${WORKSPACE_PATH} is your folder ${workspace.source}, mounted live: a rollback does not roll it back.`;
  return `${WORKSPACE_PATH} is a copy on the agent's own disk: the rollback restores its code too.`;
}
