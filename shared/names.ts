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
