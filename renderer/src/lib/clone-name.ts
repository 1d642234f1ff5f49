import { agentNameProblem, suggestAgentName } from '../../../shared/names.js';

const MAX = 63;

/** Bends any text toward the agent-name rules: letters, digits, single dashes, a letter first. */
export function sanitizeAgentName(text: string): string {
  let name = text
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-0-9]+/, '')
    .replace(/-+$/, '');
  if (name.length > MAX) name = name.slice(0, MAX).replace(/-+$/, '');
  return name;
}

/**
 * A free, valid name for a clone: "web-clone" for the live agent, "web-snap-1" for its snapshot
 * "snap.1", then "-2", "-3"… while taken; "clone-1"… when nothing usable is left.
 */
export function suggestCloneName(source: string, snapshot: string | null, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = sanitizeAgentName(snapshot ? `${source}-${snapshot}` : `${source}-clone`);
  if (!base || agentNameProblem(base)) return suggestAgentName(used, 'clone');
  if (!used.has(base)) return base;
  for (let i = 2; i < 10_000; i++) {
    const suffix = `-${i}`;
    const candidate = `${base.slice(0, MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!used.has(candidate) && !agentNameProblem(candidate)) return candidate;
  }
  return suggestAgentName(used, 'clone');
}
