/** Applying resource limits: one call, the reply folded into the agents store. */
import type { AgentLimits, LimitsResult } from '../../shared/types.js';
import { enclave } from './api.js';
import { withAgents } from './stores/actions.js';
import { useAgents } from './stores/agents.js';

export async function applyLimits(agent: string, limits: Partial<AgentLimits>): Promise<LimitsResult> {
  const result = await withAgents([agent], { action: 'limits', label: 'Applying limits' }, () =>
    enclave.invoke('agents.setLimits', { agent, limits }),
  );
  useAgents.getState().apply({ kind: 'upsert', agent: result.agent });
  return result;
}
