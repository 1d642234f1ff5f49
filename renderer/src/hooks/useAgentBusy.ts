import type { OperationProgress } from '../../../shared/types.js';
import type { AgentAction } from '../stores/actions.js';
import { useActions } from '../stores/actions.js';
import { runningOperation, useOperations } from '../stores/operations.js';

export interface AgentBusy {
  /** This window's action in flight on the agent. */
  action: AgentAction | undefined;
  /** An Incus operation on it that anyone started (another window too). */
  operation: OperationProgress | undefined;
  busy: boolean;
}

/** Whether the agent has an action in flight: its buttons are disabled meanwhile. */
export function useAgentBusy(agent: string): AgentBusy {
  const action = useActions((state) => state.byAgent[agent]);
  const operation = useOperations((state) => runningOperation(state.byId, agent));
  return { action, operation, busy: action !== undefined || operation !== undefined };
}
