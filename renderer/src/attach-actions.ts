/** Bringing a project into an existing agent: one call, the reply folded into the agents store. */
import type { AgentChangeResult } from '../../shared/types.js';
import type { WorkspaceRequest } from '../../shared/workspace.js';
import { enclave } from './api.js';
import { rememberRecent } from './lib/workspace-form.js';
import { withAgents } from './stores/actions.js';
import { useAgents } from './stores/agents.js';

export async function attachWorkspace(agent: string, workspace: WorkspaceRequest): Promise<AgentChangeResult> {
  const label = workspace.mode === 'copy' ? 'Copying a project in' : 'Mounting a project';
  const result = await withAgents([agent], { action: 'attach-workspace', label }, () => enclave.invoke('workspace.attach', { agent, workspace }));
  useAgents.getState().apply({ kind: 'upsert', agent: result.agent });
  rememberRecent(workspace.path);
  return result;
}
