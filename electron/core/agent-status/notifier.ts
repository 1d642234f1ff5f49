import { notifies, type AgentRunState, type AgentRunStatus } from '../../../shared/agent-status.js';
import { waitingNotice } from '../../../shared/waiting-notice.js';

export interface WaitingNotice {
  agent: string;
  title: string;
  body: string;
}

/**
 * Turns the run-status events into "waiting for input" notifications in the desktop app: one
 * when an agent goes from working to waiting (shared/agent-status.ts notifies()), unless the
 * agent's notifications are off. The first state seen of an agent is never news. Electron's
 * main process passes a `show` that raises a `Notification`; the rules live here, tested.
 */
export function waitingNotifier(opts: { enabled(agent: string): boolean; show(notice: WaitingNotice): void }): (status: AgentRunStatus) => void {
  const last = new Map<string, AgentRunState>();
  return (status) => {
    const previous = last.get(status.agent) ?? null;
    last.set(status.agent, status.state);
    if (!notifies(previous, status.state) || !opts.enabled(status.agent)) return;
    opts.show({ agent: status.agent, ...waitingNotice(status) });
  };
}
