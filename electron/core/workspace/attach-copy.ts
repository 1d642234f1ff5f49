import { EnclaveError } from '../../../shared/errors.js';
import type { AgentChangeResult } from '../../../shared/types.js';
import { WORKSPACE_PATH, type WorkspaceRequest } from '../../../shared/workspace.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { patchConfig } from '../../incus/instances.js';
import { USER } from '../activity/activity-log.js';
import { META_PREFIX } from '../agent-model.js';
import { copiedText, planCopy, populateCopy } from './copy-plan.js';
import { workspaceMeta } from './meta.js';
import type { WorkspaceDeps } from './plan.js';

/** Agents a copy is going into now: a second attach meanwhile is refused. */
const attaching = new Set<string>();

/**
 * Brings a project into a running agent that has none: the same copy as at create, then
 * its user.enclave.workspace.* keys, in its activity log. The copy runs commands inside the
 * agent, so it holds no lock; only the final config change takes the agent's lock (and checks
 * again that no workspace came meanwhile). A failed copy leaves /workspace empty again.
 */
export async function attachCopy(client: IncusClient, deps: WorkspaceDeps, name: string, request: Extract<WorkspaceRequest, { mode: 'copy' }>): Promise<AgentChangeResult> {
  const agent = await deps.agents.get(name);
  if (agent.workspace) throw new EnclaveError('conflict', `${name} already has a workspace (from ${agent.workspace.source}); an agent holds one project.`);
  if (agent.status !== 'Running') throw new EnclaveError('conflict', `${name} is ${agent.status.toLowerCase()}: start it to bring a project in.`);
  if (attaching.has(name)) throw new EnclaveError('busy', `A project is being copied into ${name} already.`);
  attaching.add(name);
  try {
    const plan = await planCopy(name, request, agent.limits.disk);
    const ws = plan.workspace;
    await deps.activity.track(name, { kind: 'workspace', done: copiedText, failed: `copying ${ws.source} in failed`, by: USER, expects: ['instance-updated'] }, async () => {
      try {
        const done = await populateCopy(client, name, plan, () => undefined);
        await deps.locks.run(name, 'getting its workspace', async () => {
          const now = await deps.agents.get(name);
          if (now.workspace) throw new EnclaveError('conflict', `${name} got a workspace meanwhile (from ${now.workspace.source}).`);
          await patchConfig(client, name, Object.fromEntries(Object.entries(workspaceMeta(done)).map(([k, v]) => [`${META_PREFIX}${k}`, v])));
        });
        return done;
      } catch (err) {
        if (!(err instanceof EnclaveError && err.code === 'conflict')) await emptyWorkspace(client, name).catch(() => undefined);
        throw err;
      }
    });
    return { agent: await deps.agents.reload(name), notes: plan.inspection.notes.map((n) => n.message) };
  } finally {
    attaching.delete(name);
  }
}

/** Removes what a failed copy left in /workspace (bounded: it runs inside the agent). */
async function emptyWorkspace(client: IncusClient, agent: string): Promise<void> {
  await execCommand(client, agent, ['sh', '-c', `rm -rf "${WORKSPACE_PATH}" && mkdir -p "${WORKSPACE_PATH}"`], { timeoutMs: 120_000, maxOutputBytes: 64 * 1024 });
}
