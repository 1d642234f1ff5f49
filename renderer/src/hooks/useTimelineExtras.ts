import { useMemo } from 'react';
import type { GuardAlert } from '../../../shared/types.js';
import type { TimelineEvent } from '../lib/timeline.js';
import { useAgentAlerts } from './useAgentAlerts.js';

const RULE_TITLES: Record<GuardAlert['rule'], string> = {
  'cpu-pinned': 'CPU pinned',
  'memory-high': 'Memory high',
  'processes-high': 'Too many processes',
  'disk-high': 'Disk nearly full',
  'oom-kill': 'Out-of-memory kill',
  'fork-bomb': 'Fork bomb',
};

export function alertTitle(alert: Pick<GuardAlert, 'rule'>): string {
  return RULE_TITLES[alert.rule] ?? alert.rule;
}

/** A guard alert as a timeline event. */
export function alertEvent(alert: GuardAlert): TimelineEvent {
  const state = alert.active ? 'active' : 'cleared';
  const detail = [alert.message, alert.action, state].filter(Boolean).join(' · ');
  return { type: 'alert', key: `alert:${alert.id}`, time: alert.at, title: `Guard: ${alertTitle(alert)}`, detail };
}

/**
 * Events from other sources to place on an agent's timeline besides its snapshots, restores,
 * clones and creation: the agent's guard alerts (stable between renders while they are unchanged).
 */
export function useTimelineExtras(agent: string): readonly TimelineEvent[] {
  const alerts = useAgentAlerts(agent);
  return useMemo(() => alerts.map(alertEvent), [alerts]);
}
