import type { AgentRunStatus } from './agent-status.js';

/**
 * The words of a "waiting for input" notification, in the desktop app and in a browser tab
 * alike. Enclave's own sentence; the pane's command comes from inside the agent, so it is
 * only quoted, as the agent's.
 */
export function waitingNotice(status: Pick<AgentRunStatus, 'agent' | 'command'>): { title: string; body: string } {
  const command = status.command ? ` (its command: "${status.command}")` : '';
  return { title: `Enclave: ${status.agent} is waiting`, body: `${status.agent} is waiting for your input${command}. Click to open its terminal.` };
}

/** One notification per agent on screen: a newer one replaces the older (and other tabs' copies). */
export function waitingTag(agent: string): string {
  return `enclave-waiting-${agent}`;
}
