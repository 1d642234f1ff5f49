import { restartsOnRestore, workspaceRestoreNote } from '../../../shared/restore.js';
import type { AgentStatus, SnapshotKind, TerminalInfo } from '../../../shared/types.js';
import type { AgentWorkspace } from '../../../shared/workspace.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "45 minutes", "5 hours", "6 days": one unit, rounded, for how long until something happens. */
export function formatSpan(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.round(ms / HOUR);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.round(ms / DAY), 'day');
}

/** "expires in 6 days", "kept until deleted", or "expired" (Incus deletes it shortly). */
export function formatExpiry(expiresAt: string | null, now: number): string {
  if (!expiresAt) return 'kept until deleted';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 'kept until deleted';
  const left = at - now;
  if (left <= 0) return 'expired';
  return `expires in ${formatSpan(left)}`;
}

const UNIT_WORDS: Record<string, string> = { M: 'minute', H: 'hour', d: 'day', w: 'week', m: 'month', y: 'year' };

/** An Incus expiry ("1w 3d") in words ("1 week 3 days"); '' stays ''. */
export function describeExpiry(expiry: string): string {
  const parts = [...expiry.trim().matchAll(/(\d+)([MHdwmy])/g)].map((m) => plural(Number(m[1]), UNIT_WORDS[m[2] ?? ''] ?? ''));
  return parts.join(' ');
}

/** "(kept for 7 days)" or "(kept until deleted)". */
export function keptFor(expiry: string): string {
  const words = describeExpiry(expiry);
  return words ? `kept for ${words}` : 'kept until deleted';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export const KIND_LABELS: Record<SnapshotKind, string> = {
  manual: 'Manual',
  scheduled: 'Scheduled',
  safety: 'Safety',
};

export interface RestoreFacts {
  agent: string;
  snapshot: string;
  /** Settings' safety expiry; null while settings are not known yet. */
  safetyExpiry: string | null;
  status: AgentStatus;
  /** The agent's terminals open in Enclave now (not ended ones). */
  openTerminals: number;
  /** Its project, if any: a mounted folder is in no snapshot, a copy rolls back with the agent. */
  workspace?: AgentWorkspace | null;
}

/** The cost of a restore, first and plainly, then what Enclave does; said before it happens. */
export interface RestoreNotice {
  lead: string;
  detail: string;
}

/** The agent's terminals a restore cuts: every one not ended already. */
export function openTerminalCount(terminals: readonly TerminalInfo[], agent: string): number {
  return terminals.filter((t) => t.agent === agent && t.state !== 'exited').length;
}

function terminalsPart(n: number): string {
  if (n === 0) return '';
  return n === 1 ? ', and its open terminal starts over' : `, and its ${n} open terminals start over`;
}

/**
 * What a restore does to the agent, by its status now: the words match what the backend does
 * (shared/restore.ts). A running or frozen agent restarts, so everything running in it ends;
 * the safety snapshot holds its files and settings, never its processes.
 */
export function restoreNotice(facts: RestoreFacts): RestoreNotice {
  const notice = restartNotice(facts);
  const project = workspaceRestoreNote(facts.workspace ?? null);
  return project ? { ...notice, detail: `${notice.detail} ${project}` } : notice;
}

function restartNotice({ agent, snapshot, safetyExpiry, status, openTerminals }: RestoreFacts): RestoreNotice {
  const kept = safetyExpiry === null ? 'kept as long as Settings say' : keptFor(safetyExpiry);
  const safety = `Enclave first takes a safety snapshot of ${agent}'s files and settings (${kept}; processes are not kept)`;
  if (restartsOnRestore(status)) {
    const frozen = status === 'Frozen' || status === 'Freezing';
    const cost = `every process in it ends, its tmux session and scrollback too${terminalsPart(openTerminals)}.`;
    const marker = openTerminals > 0 ? ' Terminal output so far stays readable above a marker.' : '';
    return {
      lead: frozen ? `${agent} is frozen; this restarts it: ${cost}` : `This restarts ${agent}: ${cost}`,
      detail: `${safety}. Then ${agent} runs from ${snapshot}${frozen ? ', no longer frozen' : ''}.${marker}`,
    };
  }
  const state = status === 'Stopped' ? 'stopped' : status === 'Stopping' ? 'stopping' : `in state ${status}`;
  return {
    lead: `${agent} is ${state} and stays so: the restore does not start it.`,
    detail: `${safety}, then restores ${agent} to ${snapshot}. Start it when you want it to run.`,
  };
}
