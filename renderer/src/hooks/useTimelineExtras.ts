import { useMemo } from 'react';
import type { GuardAlert } from '../../../shared/types.js';
import { broughtBackMarks } from '../lib/brought-back.js';
import type { TimelineEvent } from '../lib/timeline.js';
import { useActivity } from '../stores/activity.js';
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
 * clones and creation: the agent's guard alerts and the work brought back from it (activity
 * entries with `broughtBack`), stable between renders while they are unchanged.
 */
export function useTimelineExtras(agent: string): readonly TimelineEvent[] {
  const alerts = useAgentAlerts(agent);
  const activity = useActivity((state) => state.byAgent[agent]);
  return useMemo(() => {
    const back: TimelineEvent[] = broughtBackMarks(activity ?? []).map((m) => ({ type: 'brought-back', key: m.key, time: m.at, title: m.title, detail: m.detail }));
    return [...alerts.map(alertEvent), ...back];
  }, [alerts, activity]);
}
