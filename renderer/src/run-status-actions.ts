/**
 * Agents' run states (working, waiting, idle, exited): loading them (at start and after every
 * reconnect), following the pushed changes, telling the user when an agent starts waiting
 * for input (in a browser tab; the desktop app's main process does it there), and the
 * user's intents: restart an exited command, turn an agent's notifications on or off.
 */
import type { AgentRunStatus } from '../../shared/agent-status.js';
import type { Agent } from '../../shared/types.js';
import { waitingNotice, waitingTag } from '../../shared/waiting-notice.js';
import { enclave, fromPreload } from './api.js';
import { errorMessage } from './lib/errors.js';
import { notifyEnabled, waitingNews } from './lib/run-notify.js';
import { useAgents } from './stores/agents.js';
import { useRunStatus } from './stores/run-status.js';
import { openAgentTerminal } from './terminal/manager.js';

export async function loadRunStatus(): Promise<void> {
  const loadId = useRunStatus.getState().beginLoad();
  try {
    useRunStatus.getState().loaded(await enclave.invoke('agents.runStatus', {}), loadId);
  } catch (error) {
    useRunStatus.getState().abandonLoad(loadId);
    console.warn('agents.runStatus failed:', errorMessage(error));
  }
}

export function receiveRunStatus(status: AgentRunStatus): void {
  const { synced } = useRunStatus.getState();
  const before = useRunStatus.getState().apply(status);
  const agent = useAgents.getState().agents.find((a) => a.name === status.agent);
  if (waitingNews(before, status, { synced, enabled: agent !== undefined && notifyEnabled(agent.meta) })) notifyWaiting(status);
}

/** In Electron the main process shows OS notifications itself; only a browser tab does it here. */
function browserNotifications(): boolean {
  return !fromPreload && typeof Notification !== 'undefined';
}

function notifyWaiting(status: AgentRunStatus): void {
  if (!browserNotifications() || Notification.permission !== 'granted') return;
  try {
    const { title, body } = waitingNotice(status);
    const shown = new Notification(title, { body, tag: waitingTag(status.agent) });
    shown.onclick = () => {
      window.focus();
      shown.close();
      void openAgentFromNotice(status.agent);
    };
  } catch (error) {
    console.warn('Notification failed:', errorMessage(error));
  }
}

/** A notification was clicked (here, or in the desktop app's main process): that agent's terminal. */
export async function openAgentFromNotice(agent: string): Promise<void> {
  try {
    await openAgentTerminal(agent);
  } catch (error) {
    console.warn(`Opening ${agent}'s terminal failed:`, errorMessage(error));
  }
}

const ASKED_KEY = 'enclave.notifications.asked';

/**
 * Browsers grant notifications only from a user gesture, so the question waits for the first
 * click or key press in the window, and is asked once (remembered in this browser).
 */
export function askNotificationsOnFirstGesture(): () => void {
  if (!browserNotifications() || Notification.permission !== 'default') return () => undefined;
  try {
    if (localStorage.getItem(ASKED_KEY)) return () => undefined;
  } catch {
    return () => undefined;
  }
  const ask = () => {
    stop();
    try {
      localStorage.setItem(ASKED_KEY, '1');
    } catch {
      // no storage: asked this once all the same
    }
    if (Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
  };
  const stop = () => {
    window.removeEventListener('pointerdown', ask, true);
    window.removeEventListener('keydown', ask, true);
  };
  window.addEventListener('pointerdown', ask, true);
  window.addEventListener('keydown', ask, true);
  return stop;
}

export async function restartCommand(agent: string): Promise<AgentRunStatus> {
  const status = await enclave.invoke('agents.restartCommand', { agent });
  useRunStatus.getState().apply(status);
  return status;
}

export async function setNotify(agent: string, on: boolean): Promise<Agent> {
  const updated = await enclave.invoke('agents.setNotify', { agent, on });
  useAgents.getState().apply({ kind: 'upsert', agent: updated });
  return updated;
}
