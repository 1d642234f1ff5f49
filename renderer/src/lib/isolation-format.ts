/**
 * How an isolation problem reads on a card: Enclave names the kind of problem in its own words;
 * the item and its value come from Incus config (anyone may have set them) and are shown as
 * quoted data beside that name, never as part of Enclave's sentence.
 */
import type { IsolationProblem, IsolationProblemKind } from '../../../shared/types.js';

export const PROBLEM_TITLES: Record<IsolationProblemKind, string> = {
  privileged: 'Privileged container',
  nesting: 'Nesting enabled',
  'raw-lxc': 'Raw LXC config',
  'raw-idmap': 'Raw id map',
  seccomp: 'Seccomp policy changed',
  'idmap-shared': 'Id map shared with other containers',
  'guest-api': 'Guest API enabled',
  'host-disk': 'Host folder mounted',
  device: 'Extra device',
  'nic-outside-policy': 'Network device outside its policy',
  profile: 'Profile outside Enclave',
};

/** Items that hold a value worth showing; a bare "true" says nothing the title does not. */
export function shownValue(problem: IsolationProblem): string | null {
  const value = problem.value.trim();
  if (value === 'true' || value === problem.item) return null;
  return value;
}

/** The problems whose fix waits for the agent's next start. */
export function restartNeeded(problems: readonly IsolationProblem[]): boolean {
  return problems.some((problem) => problem.needsRestart);
}
