import type { AgentRunStatus } from '../../../shared/agent-status.js';
import { formatRelative } from './time.js';

/** The badge's words: Enclave's reading of the agent's pane. */
export function runStateLabel(status: Pick<AgentRunStatus, 'state' | 'exitCode'> | undefined): string {
  switch (status?.state) {
    case 'working':
      return 'Working';
    case 'waiting':
      return 'Waiting for input';
    case 'idle':
      return 'Idle';
    case 'exited':
      return status.exitCode === null ? 'Exited' : `Exited ${status.exitCode}`;
    default:
      return 'Unknown';
  }
}

const SOURCES: Record<AgentRunStatus['source'], string> = {
  hooks: "read from its CLI's hooks",
  tmux: 'read from its tmux pane',
  none: 'no session to read',
};

/** "Waiting for input since 2 min ago, read from its tmux pane". */
export function runStateTitle(status: AgentRunStatus | undefined, now: number): string {
  if (!status) return 'Not read yet: Enclave reads running agents every 2 seconds.';
  return `${runStateLabel(status)} since ${formatRelative(new Date(status.since).toISOString(), now)}, ${SOURCES[status.source]}`;
}
