import type { GuardAlert, GuardRule } from './types.js';

/**
 * The guard's rules, most severe first: the one that headlines an agent's alerts wherever
 * they are summed up in one line (the card's banner, the toast). Ordered by what is lost
 * soonest if nobody acts: a fork bomb is still escalating and takes the agent's shell with
 * it at the process limit; an OOM kill has already killed a process; high memory is the
 * next OOM kill on its way; a full disk wedges writes and Incus's own start of the agent;
 * a high process count is the slower form of the fork bomb; a pinned CPU may well be work.
 */
export const GUARD_SEVERITY: readonly GuardRule[] = ['fork-bomb', 'oom-kill', 'memory-high', 'disk-high', 'processes-high', 'cpu-pinned'];

const RANK = new Map(GUARD_SEVERITY.map((rule, i) => [rule, i]));

/** 0 for the most severe rule; a rule this build does not know ranks last. */
export function severityRank(rule: GuardRule): number {
  return RANK.get(rule) ?? GUARD_SEVERITY.length;
}

/** Sort order: most severe first; of equal severity, the newest first. */
export function bySeverity(a: Pick<GuardAlert, 'rule' | 'at' | 'id'>, b: Pick<GuardAlert, 'rule' | 'at' | 'id'>): number {
  return severityRank(a.rule) - severityRank(b.rule) || b.at - a.at || a.id.localeCompare(b.id);
}

/** The alert that names a group of alerts, and how many others it stands for; null for none. */
export function headlineAlert<T extends Pick<GuardAlert, 'rule' | 'at' | 'id'>>(alerts: readonly T[]): { alert: T; others: number } | null {
  const [alert] = [...alerts].sort(bySeverity);
  return alert ? { alert, others: alerts.length - 1 } : null;
}
