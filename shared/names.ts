/** Incus instance-name rules, checked before any call so the user sees the rule, not a 400. */
export const AGENT_NAME_RULE =
  'Agent names are 1–63 characters of letters, digits and dashes; they cannot start with a digit or a dash, nor end with a dash.';

export function agentNameProblem(name: string): string | null {
  if (name.length === 0) return `The name is empty. ${AGENT_NAME_RULE}`;
  if (name.length > 63) return `"${name.slice(0, 20)}…" is ${name.length} characters long. ${AGENT_NAME_RULE}`;
  const bad = name.match(/[^A-Za-z0-9-]/);
  if (bad) return `"${name}" contains "${bad[0]}". ${AGENT_NAME_RULE}`;
  if (/^[0-9]/.test(name)) return `"${name}" starts with a digit. ${AGENT_NAME_RULE}`;
  if (name.startsWith('-')) return `"${name}" starts with a dash. ${AGENT_NAME_RULE}`;
  if (name.endsWith('-')) return `"${name}" ends with a dash. ${AGENT_NAME_RULE}`;
  return null;
}

/** A free name like "agent-3", given the names in use. */
export function suggestAgentName(taken: Iterable<string>, base = 'agent'): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) {
    const candidate = `${base}-${i}`;
    if (!used.has(candidate)) return candidate;
  }
}

export const SNAPSHOT_NAME_RULE =
  'Snapshot names are 1–63 characters of letters, digits, dots, dashes and underscores, starting with a letter or digit.';

export function snapshotNameProblem(name: string): string | null {
  if (name.length === 0) return `The name is empty. ${SNAPSHOT_NAME_RULE}`;
  if (name.length > 63) return `"${name.slice(0, 20)}…" is ${name.length} characters long. ${SNAPSHOT_NAME_RULE}`;
  const bad = name.match(/[^A-Za-z0-9._-]/);
  if (bad) return `"${name}" contains "${bad[0]}". ${SNAPSHOT_NAME_RULE}`;
  if (!/^[A-Za-z0-9]/.test(name)) return `"${name}" must start with a letter or digit. ${SNAPSHOT_NAME_RULE}`;
  return null;
}

export const SCHEDULE_RULE =
  'A schedule is empty (off), one of @hourly @daily @weekly @monthly @yearly @midnight, or a cron line of 5 fields (minute 0–59, hour 0–23, day 1–31, month 1–12, weekday 0–6 with 0 = Sunday) such as "0 */6 * * *"; several are separated by a comma and a space, e.g. "0 9 * * 1-5, @midnight".';

/** The five cron fields: their names in messages, their ranges, and names allowed for values. */
const CRON_FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'weekday', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** What is wrong with one cron field (as Incus's parser sees it), or null. */
function cronFieldProblem(field: string, spec: (typeof CRON_FIELDS)[number]): string | null {
  const value = (v: string): number | null => {
    if (/^\d+$/.test(v)) return Number(v);
    const i = spec.names?.indexOf(v.toLowerCase()) ?? -1;
    return i < 0 ? null : i + spec.min;
  };
  for (const item of field.split(',')) {
    const m = item.match(/^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/);
    if (!m?.[1]) return `"${field}" is not a cron field.`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `The step in "${item}" must be at least 1.`;
    if (m[1] === '*') continue;
    const [from, to = from] = m[1].split('-').map(value);
    if (from === null || from === undefined || to === null || to === undefined) return `"${item}" is not a ${spec.name} (${spec.min}–${spec.max}).`;
    if (from < spec.min || to > spec.max) return `"${item}" is outside the ${spec.name} range ${spec.min}–${spec.max}.`;
    if (from > to) return `"${item}" is a range that ends before it begins.`;
  }
  return null;
}

export function scheduleProblem(schedule: string): string | null {
  const s = schedule.trim();
  if (s === '') return null;
  // Incus takes several triggers separated by a comma and a space (a bare comma is a cron list).
  const triggers = s.split(', ');
  if (triggers.length > 1) {
    for (const trigger of triggers) {
      if (!trigger.trim()) return `"${schedule}" has an empty entry in its list. ${SCHEDULE_RULE}`;
      const problem = scheduleProblem(trigger);
      if (problem) return problem;
    }
    return null;
  }
  if (/^@(hourly|daily|weekly|monthly|yearly|annually|midnight|never)$/i.test(s)) return null;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `"${schedule}" has ${fields.length} fields. ${SCHEDULE_RULE}`;
  for (const [i, field] of fields.entries()) {
    const problem = cronFieldProblem(field, CRON_FIELDS[i] as (typeof CRON_FIELDS)[number]);
    if (problem) return `${problem} ${SCHEDULE_RULE}`;
  }
  return null;
}

export const EXPIRY_RULE =
  'An expiry is empty (keep until deleted) or amounts with units, as Incus writes them: M (minutes), H (hours), d (days), w (weeks), m (months), y (years), e.g. "7d" or "1w 3d".';

/** Past this, a date computed from the expiry leaves JavaScript's range and every restore would fail. */
export const MAX_EXPIRY_YEARS = 100;

export function expiryProblem(expiry: string): string | null {
  const s = expiry.trim();
  if (s !== '' && !/^\d+[MHdwmy]( +\d+[MHdwmy])*$/.test(s)) return `"${expiry}" is not an expiry. ${EXPIRY_RULE}`;
  if (expiryMs(s) > MAX_EXPIRY_YEARS * 365 * 86_400_000) return `"${expiry}" is longer than ${MAX_EXPIRY_YEARS} years; an expiry is at most that.`;
  return null;
}

/** Milliseconds of an Incus expiry ("1w 3d"); months and years as 30 and 365 days. */
export function expiryMs(expiry: string): number {
  const unit: Record<string, number> = { M: 60_000, H: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };
  let total = 0;
  for (const m of expiry.trim().matchAll(/(\d+)([MHdwmy])/g)) total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  return total;
}
