/**
 * What an agent's command is doing, as read from its tmux session (and the CLI's hooks where
 * it has them). It is the agent's own account, read from inside: shown as such, never trusted
 * for anything but display and notifications.
 */
export type AgentRunState = 'working' | 'waiting' | 'idle' | 'exited' | 'unknown';
export const AGENT_RUN_STATES: readonly AgentRunState[] = ['working', 'waiting', 'idle', 'exited', 'unknown'];

export interface AgentRunStatus {
  agent: string;
  state: AgentRunState;
  /** The command's exit code once exited; null otherwise. */
  exitCode: number | null;
  /** The pane's foreground command as tmux names it (from inside the agent: bounded, cleaned). */
  command: string;
  /** When Enclave first saw this state, in milliseconds since the epoch. */
  since: number;
  /** Where the state came from: the CLI's hooks, or tmux's view of the pane. */
  source: 'hooks' | 'tmux' | 'none';
}

/**
 * Whether a change of state deserves an OS notification: the agent starts waiting for the
 * user after it was working (not at first sight, not on every poll).
 */
export function notifies(previous: AgentRunState | null, next: AgentRunState): boolean {
  return next === 'waiting' && previous === 'working';
}
