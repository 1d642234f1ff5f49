/** Comparing two agents that worked from one base commit: who can be compared, and how each file is told. */
import type { Agent } from '../../../shared/types.js';
import type { ComparedFile } from '../../../shared/workspace.js';
import { STATUS_WORD } from './changes-list.js';

/** Other agents with a git workspace on the same base commit as `agent`'s, by name. */
export function compareCandidates(agent: Pick<Agent, 'name' | 'workspace'>, agents: readonly Pick<Agent, 'name' | 'workspace'>[]): string[] {
  const base = agent.workspace?.kind === 'git' ? agent.workspace.base : null;
  if (!base) return [];
  return agents
    .filter((other) => other.name !== agent.name && other.workspace?.kind === 'git' && other.workspace.base === base)
    .map((other) => other.name)
    .sort((x, y) => x.localeCompare(y));
}

export type CompareGroup = 'only-a' | 'only-b' | 'both-differ' | 'both-same';

export function compareGroup(file: Pick<ComparedFile, 'inA' | 'inB' | 'same'>): CompareGroup {
  if (file.inA !== null && file.inB === null) return 'only-a';
  if (file.inA === null && file.inB !== null) return 'only-b';
  return file.same ? 'both-same' : 'both-differ';
}

export function compareCell(status: ComparedFile['inA']): string {
  return status === null ? 'as in the base' : STATUS_WORD[status].toLowerCase();
}

/** Counts per group, for the header ("3 only in a · 2 only in b · 1 in both, differently · 4 the same"). */
export function compareSummary(files: readonly Pick<ComparedFile, 'inA' | 'inB' | 'same'>[], a: string, b: string): string {
  const counts: Record<CompareGroup, number> = { 'only-a': 0, 'only-b': 0, 'both-differ': 0, 'both-same': 0 };
  for (const f of files) counts[compareGroup(f)]++;
  return [
    `${counts['only-a']} only in ${a}`,
    `${counts['only-b']} only in ${b}`,
    `${counts['both-differ']} changed by both, differently`,
    `${counts['both-same']} changed by both, the same`,
  ].join(' · ');
}
