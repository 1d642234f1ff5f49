/** Changing an agent's network policy and fixing its isolation: one call each, the reply folded into the agents store. */
import type { AgentChangeResult, NetworkPolicy } from '../../shared/types.js';
import { enclave } from './api.js';
import { withAgents } from './stores/actions.js';
import { useAgents } from './stores/agents.js';

export async function applyNetwork(agent: string, policy: NetworkPolicy): Promise<AgentChangeResult> {
  const result = await withAgents([agent], { action: 'network', label: 'Changing its network' }, () =>
    enclave.invoke('agents.setNetwork', { agent, policy }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent: result.agent });
  return result;
}

export async function fixIsolation(agent: string): Promise<AgentChangeResult> {
  const result = await withAgents([agent], { action: 'fix-isolation', label: 'Fixing its isolation' }, () =>
    enclave.invoke('agents.fixIsolation', { agent }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent: result.agent });
  return result;
}
