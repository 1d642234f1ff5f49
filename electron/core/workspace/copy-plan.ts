import { EnclaveError } from '../../../shared/errors.js';
import { agentBranch, type AgentWorkspace, type WorkspaceRequest } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { copyIn } from './copy-in.js';
import { inspectFolder, readGitFacts, tooLargeMessage } from './inspect.js';
import { USER, type ActivityLog } from '../activity/activity-log.js';
import type { WorkspacePlan } from './plan.js';

type CopyRequest = Extract<WorkspaceRequest, { mode: 'copy' }>;

/**
 * Checks a copy request for agent `agent` with root disk `disk` ('' = unlimited) and says
 * what the agent's workspace will be. Refuses, before anything exists, a project that does
 * not fit the disk (both sizes said), a folder without git unless told what to do with it,
 * and a partial clone (some of its objects are only on its server).
 */
export async function planCopy(agent: string, request: CopyRequest, disk: string): Promise<WorkspacePlan> {
  const { inspection, git } = await inspectFolder(request.path, disk || undefined);
  if (inspection.tooLarge) throw new EnclaveError('invalid-arguments', tooLargeMessage(inspection.tooLarge));
  if (inspection.kind === 'plain' && !request.notGit) {
    throw new EnclaveError(
      'invalid-arguments',
      `${inspection.path} is not a git repository: copy it as plain files (no review gate), or have Enclave git-initialise it inside the agent (one commit, "Imported by Enclave").`,
    );
  }
  if (git?.partialClone) {
    throw new EnclaveError('invalid-arguments', `${inspection.path} is a partial clone: some of its objects are only on its server, so it cannot be copied whole. Fetch them first (git fetch --refetch) or copy a full clone.`);
  }
  const gitInside = inspection.kind === 'git' || request.notGit === 'init';
  const workspace: AgentWorkspace = {
    mode: 'copy',
    source: inspection.path,
    kind: gitInside ? 'git' : 'plain',
    base: inspection.kind === 'git' ? inspection.head : null,
    branch: gitInside ? agentBranch(agent) : null,
    readOnly: false,
  };
  return { request, inspection, workspace, devices: {} };
}

/** Copies a planned project into the running agent; returns its workspace as it ended (an init's base filled in). */
export async function populateCopy(client: IncusClient, agent: string, plan: WorkspacePlan, progress: (detail: string) => void): Promise<AgentWorkspace> {
  if (plan.request.mode !== 'copy') throw new EnclaveError('internal', 'populateCopy is for copies.');
  const { inspection } = plan;
  const git = inspection.kind === 'git' ? await readGitFacts(inspection.path) : null;
  return copyIn(client, agent, plan.request, plan.workspace, { root: inspection.path, git, head: inspection.head, sizeBytes: inspection.sizeBytes, fileCount: inspection.fileCount }, progress);
}

/** What the activity log says of a copy that arrived. */
export function copiedText(ws: AgentWorkspace): string {
  return `project ${ws.source}${ws.base ? ` at ${ws.base.slice(0, 12)}` : ''}${ws.branch ? ` on ${ws.branch}` : ''} copied in`;
}

/** A new agent's copy (agents.create), said in its activity log once it is there. */
export async function populateNewAgent(client: IncusClient, activity: ActivityLog, agent: string, plan: WorkspacePlan, progress: (detail: string) => void): Promise<void> {
  const ws = await populateCopy(client, agent, plan, progress);
  activity.record(agent, 'workspace', copiedText(ws), USER);
}
