/**
 * The window's commands: the desktop menu's (the `ui.command` event) and the Ctrl+Shift+S
 * shortcut go through here, so both choose their agent and refuse in the same way.
 */
import { isUiCommand } from '../../shared/ui-commands.js';
import { planCommand, focusedCardAgent, newAgentBlocked, type CommandContext, type CommandPlan } from './lib/agent-commands.js';
import { errorMessage } from './lib/errors.js';
import { takeSnapshot } from './snapshot-actions.js';
import { useAgentView } from './stores/agent-view.js';
import { useAgents } from './stores/agents.js';
import { useBackend } from './stores/backend.js';
import { useConnection } from './stores/connection.js';
import { useNewAgent } from './stores/new-agent.js';
import { useServers } from './stores/servers.js';
import { showToast } from './stores/toasts.js';
import { openAgentTerminal } from './terminal/manager.js';

/** Why the New agent button is disabled now, from the stores it depends on (null: enabled). */
export function currentNewAgentBlocked(): string | null {
  return newAgentBlocked({
    link: useBackend.getState().link,
    localConnected: useConnection.getState().status?.state === 'connected',
    anyServerConnected: useServers.getState().servers.some((s) => s.status.state === 'connected'),
  });
}

/** The window as a command finds it: the focus, an open dialog, the open view. */
export function commandContext(): CommandContext {
  return {
    dialogOpen: document.querySelector('[aria-modal="true"]') !== null,
    focusedCard: focusedCardAgent(document.activeElement),
    viewOpen: useAgentView.getState().open,
    newAgentBlocked: currentNewAgentBlocked(),
    statusOf: (agent) => useAgents.getState().agents.find((a) => a.name === agent)?.status,
  };
}

export function carryOut(plan: CommandPlan): void {
  switch (plan.kind) {
    case 'ignore':
      return;
    case 'explain':
      showToast({ message: plan.message });
      return;
    case 'open-wizard':
      useNewAgent.getState().show();
      return;
    case 'snapshot': {
      const { agent } = plan;
      takeSnapshot(agent, { toast: true }).catch((error: unknown) => {
        showToast({ tone: 'error', message: `No snapshot of ${agent}: ${errorMessage(error)}`, testId: 'snapshot-failed', timeout: 10_000 });
      });
      return;
    }
    case 'open-terminal': {
      const { agent } = plan;
      openAgentTerminal(agent).catch((error: unknown) => {
        showToast({ tone: 'error', message: `No terminal for ${agent}: ${errorMessage(error)}`, testId: 'terminal-failed', timeout: 10_000 });
      });
      return;
    }
  }
}

/** A command from the desktop menu (the main process names it; anything else is dropped). */
export function runUiCommand(command: unknown): void {
  if (!isUiCommand(command)) return;
  carryOut(planCommand(command, commandContext()));
}
