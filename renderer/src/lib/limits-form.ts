/**
 * The limits form: each field is a value plus an explicit "unlimited" box, so an empty field
 * is a mistake to point out rather than a silent "no limit". Checked with shared/limits.ts.
 */
import { CPU_RULE, DISK_RULE, LIMIT_PROBLEMS, MEMORY_RULE, PROCESSES_RULE } from '../../../shared/limits.js';
import type { AgentLimits } from '../../../shared/types.js';

export type LimitField = keyof AgentLimits;
export const LIMIT_FIELDS: readonly LimitField[] = ['cpu', 'memory', 'processes', 'disk'];

export const LIMIT_LABELS: Record<LimitField, string> = { cpu: 'CPU', memory: 'Memory', processes: 'Processes', disk: 'Disk' };
export const LIMIT_RULES: Record<LimitField, string> = { cpu: CPU_RULE, memory: MEMORY_RULE, processes: PROCESSES_RULE, disk: DISK_RULE };
export const LIMIT_PLACEHOLDERS: Record<LimitField, string> = { cpu: 'e.g. 2 or 50%', memory: 'e.g. 2GiB', processes: 'e.g. 500', disk: 'e.g. 10GiB' };
/** What "unlimited" means for each: the pool sizes a disk without a limit. */
export const UNLIMITED_LABELS: Record<LimitField, string> = {
  cpu: 'Unlimited',
  memory: 'Unlimited',
  processes: 'Unlimited',
  disk: 'Pool default',
};

export interface FieldDraft {
  value: string;
  unlimited: boolean;
}
export type LimitsDraft = Record<LimitField, FieldDraft>;

export const NO_LIMITS: AgentLimits = { cpu: '', memory: '', processes: '', disk: '' };

export function draftFromLimits(limits: AgentLimits): LimitsDraft {
  const field = (value: string): FieldDraft => ({ value, unlimited: value === '' });
  return { cpu: field(limits.cpu), memory: field(limits.memory), processes: field(limits.processes), disk: field(limits.disk) };
}

/** The limit a field stands for: '' when unlimited, else its value without surrounding space. */
export function fieldValue(field: FieldDraft): string {
  return field.unlimited ? '' : field.value.trim();
}

export function limitsFromDraft(draft: LimitsDraft): AgentLimits {
  return {
    cpu: fieldValue(draft.cpu),
    memory: fieldValue(draft.memory),
    processes: fieldValue(draft.processes),
    disk: fieldValue(draft.disk),
  };
}

export function fieldProblem(name: LimitField, field: FieldDraft): string | null {
  if (field.unlimited) return null;
  const value = field.value.trim();
  if (value === '') return `Enter a ${LIMIT_LABELS[name].toLowerCase()} limit, or tick "${UNLIMITED_LABELS[name]}". ${LIMIT_RULES[name]}`;
  return LIMIT_PROBLEMS[name](value);
}

export function draftProblems(draft: LimitsDraft): Record<LimitField, string | null> {
  return {
    cpu: fieldProblem('cpu', draft.cpu),
    memory: fieldProblem('memory', draft.memory),
    processes: fieldProblem('processes', draft.processes),
    disk: fieldProblem('disk', draft.disk),
  };
}

export function draftValid(draft: LimitsDraft): boolean {
  return LIMIT_FIELDS.every((name) => fieldProblem(name, draft[name]) === null);
}

/** Only the fields that differ from what the agent has, ready for agents.setLimits. */
export function changedLimits(current: AgentLimits, draft: LimitsDraft): Partial<AgentLimits> {
  const next = limitsFromDraft(draft);
  const changed: Partial<AgentLimits> = {};
  for (const name of LIMIT_FIELDS) if (next[name] !== current[name]) changed[name] = next[name];
  return changed;
}
