import type { UiCommand } from '../../../shared/ui-commands.js';
import type { AgentStatus } from '../../../shared/types.js';
import type { LinkState } from '../ws/link.js';

/**
 * What a command (the desktop menu's, or the Ctrl+Shift+S shortcut) does in the window as it is
 * now. Pure: the effects are in command-actions.ts.
 */
export type CommandPlan =
  | { kind: 'ignore' }
  | { kind: 'open-wizard' }
  | { kind: 'snapshot'; agent: string }
  | { kind: 'open-terminal'; agent: string }
  | { kind: 'explain'; message: string };

export interface CommandContext {
  /** A dialog is open: it keeps its focus, as it does for the keyboard shortcut. */
  dialogOpen: boolean;
  /** The agent whose card has the focus. */
  focusedCard: string | null;
  /** The agent whose view (timeline) is open. */
  viewOpen: string | null;
  /** Why the header's New agent button is disabled now; null when it is enabled. */
  newAgentBlocked: string | null;
  statusOf(agent: string): AgentStatus | undefined;
}

export const NO_TARGET: Record<'snapshot' | 'open-terminal', string> = {
  snapshot: 'Which agent? Focus its card or open its timeline, then snapshot again.',
  'open-terminal': 'Which agent? Focus its card or open its timeline, then open its terminal again.',
};

/** The agent a command is for: the focused card's, else the one whose view is open. */
export function commandTarget(focusedCard: string | null, viewOpen: string | null): string | null {
  return focusedCard ?? viewOpen;
}

/** What an element needs for `focusedCardAgent`: Element satisfies it. */
export interface ElementLike {
  closest(selector: string): { getAttribute(name: string): string | null } | null;
}

/** The agent of the card that holds the focus (the card or a button in it). */
export function focusedCardAgent(active: ElementLike | null): string | null {
  return active?.closest('[data-testid="agent-card"]')?.getAttribute('data-agent') ?? null;
}

export function planCommand(command: UiCommand, ctx: CommandContext): CommandPlan {
  if (ctx.dialogOpen) return { kind: 'ignore' };
  if (command === 'new-agent') return ctx.newAgentBlocked === null ? { kind: 'open-wizard' } : { kind: 'explain', message: ctx.newAgentBlocked };
  const agent = commandTarget(ctx.focusedCard, ctx.viewOpen);
  if (!agent) return { kind: 'explain', message: NO_TARGET[command] };
  if (command === 'snapshot') return { kind: 'snapshot', agent };
  const status = ctx.statusOf(agent);
  if (status === undefined) return { kind: 'explain', message: `${agent} is not known here any more.` };
  if (status !== 'Running') return { kind: 'explain', message: `${agent} is ${statusWords(status)}: its terminal opens once it runs.` };
  return { kind: 'open-terminal', agent };
}

function statusWords(status: AgentStatus): string {
  if (status === 'Error') return 'in error';
  if (status === 'Unknown') return 'in an unknown state';
  return status.toLowerCase();
}

/**
 * Why no agent can be made now (the header's New agent button is disabled then), or null.
 * With the local Incus away, an agent can still be made on a remote that answers.
 */
export function newAgentBlocked(state: { link: LinkState; localConnected: boolean; anyServerConnected: boolean }): string | null {
  if (state.link !== 'connected') return "No new agent now: Enclave's backend is not reachable.";
  if (!state.localConnected && !state.anyServerConnected) return 'No new agent now: no Incus server is connected.';
  return null;
}
