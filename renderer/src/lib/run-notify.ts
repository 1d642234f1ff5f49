import { notifies, type AgentRunStatus } from '../../../shared/agent-status.js';

/** Whether the agent's "waiting for input" notifications are on: on unless its meta says 'off'. */
export function notifyEnabled(meta: Readonly<Record<string, string>> | undefined): boolean {
  return meta?.notify !== 'off';
}

/**
 * Whether a pushed run-status change deserves a notification in this window: the agent went
 * from working to waiting (notifies()), its notifications are on, and the window had its
 * whole picture when the change came (a state seen first in a reload or just after a
 * reconnect was not watched happening, and may have been announced already).
 */
export function waitingNews(before: AgentRunStatus | undefined, next: AgentRunStatus, ctx: { synced: boolean; enabled: boolean }): boolean {
  return ctx.synced && ctx.enabled && notifies(before?.state ?? null, next.state);
}
