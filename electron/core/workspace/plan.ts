import type { AgentWorkspace, WorkspaceInspection, WorkspaceRequest } from '../../../shared/workspace.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { AgentLocks } from '../agent-locks.js';
import type { AgentMirror, AgentSessions } from '../agent-mirror.js';

/** What the workspace needs of the rest of the backend, each given apart. */
export interface WorkspaceDeps {
  /** Sessions: a mount attached to a running agent starts its session again as the folder's owner. */
  agents: AgentMirror & AgentSessions;
  locks: AgentLocks;
  activity: ActivityLog;
}

/**
 * What an agent with a workspace is made with, decided before the instance exists (so a
 * project that cannot come in is refused before anything is created).
 */
export interface WorkspacePlan {
  request: WorkspaceRequest;
  inspection: WorkspaceInspection;
  /** Its user.enclave.workspace.* keys (without the prefix). */
  workspace: AgentWorkspace;
  /** Disk devices the instance carries (mount mode); none for a copy. */
  devices: Record<string, Record<string, string>>;
  /** What the user should know of how it came in (e.g. a folder Enclave created on the host). */
  notes?: string[];
}
