import { useMemo } from 'react';
import type { GuardAlert } from '../../../shared/types.js';
import { activeAlertsOf, alertsOf, useGuard } from '../stores/guard.js';

/** The agent's active guard alerts, newest first (stable between renders while unchanged). */
export function useActiveAlerts(agent: string): GuardAlert[] {
  const byId = useGuard((state) => state.byId);
  return useMemo(() => activeAlertsOf(byId, agent), [byId, agent]);
}

/** All the agent's known alerts (active and cleared), newest first. */
export function useAgentAlerts(agent: string): GuardAlert[] {
  const byId = useGuard((state) => state.byId);
  return useMemo(() => alertsOf(byId, agent), [byId, agent]);
}
