/**
 * Guard alerts and the activity log: loading them (at start and after every reconnect),
 * following the pushed events, telling the user when an alert fires, and the user's intents.
 */
import type { ActivityEntry, GuardAlert, GuardSettings } from '../../shared/types.js';
import { enclave, fromPreload } from './api.js';
import { errorMessage } from './lib/errors.js';
import { guardToastText } from './lib/guard-headline.js';
import { useActivity } from './stores/activity.js';
import { activeAlertsOf, becameActive, useGuard } from './stores/guard.js';
import { showToast } from './stores/toasts.js';

/** Whether guard.alerts answered once: the first answer is the state at start, not news. */
let alertsLoaded = false;

export async function loadAlerts(): Promise<void> {
  const loadId = useGuard.getState().beginLoad();
  try {
    const list = await enclave.invoke('guard.alerts', {});
    const before = useGuard.getState().byId;
    useGuard.getState().loaded(list, loadId);
    // Alerts that fired while this window was away from the backend still deserve a word.
    if (alertsLoaded) for (const alert of list) if (becameActive(before[alert.id], alert)) announce(alert);
    alertsLoaded = true;
  } catch (error) {
    useGuard.getState().abandonLoad(loadId);
    console.warn('guard.alerts failed:', errorMessage(error));
  }
}

export function receiveAlert(alert: GuardAlert): void {
  const before = useGuard.getState().apply(alert);
  if (becameActive(before, alert)) announce(alert);
}

/**
 * A toast in the window, and in a browser an OS notification when the user allowed them. The
 * agent's one toast headlines its most severe active alert, as its card's banner does, so a
 * milder rule firing after a fork bomb does not take the toast over.
 */
function announce(alert: GuardAlert): void {
  const message = guardToastText(activeAlertsOf(useGuard.getState().byId, alert.agent)) ?? guardToastText([alert]);
  if (message) showToast({ key: `guard:${alert.agent}`, tone: 'error', testId: 'guard-toast', message, timeout: 15_000 });
  notifyDesktop(alert);
}

/** In Electron the main process shows OS notifications itself; only a browser tab does it here. */
export function desktopNotificationsApply(): boolean {
  return !fromPreload && typeof Notification !== 'undefined';
}

function notifyDesktop(alert: GuardAlert): void {
  if (!desktopNotificationsApply() || Notification.permission !== 'granted') return;
  try {
    new Notification(`Enclave guard: ${alert.agent}`, { body: alert.message, tag: `enclave-guard-${alert.id}` });
  } catch (error) {
    console.warn('Notification failed:', errorMessage(error));
  }
}

/** Must run from a user gesture (a click): browsers ignore or block requests made otherwise. */
export async function enableDesktopNotifications(): Promise<NotificationPermission> {
  if (!desktopNotificationsApply()) return 'denied';
  return Notification.requestPermission();
}

export async function dismissGuardAlert(id: string): Promise<void> {
  await enclave.invoke('guard.dismiss', { id });
  useGuard.getState().dismiss(id);
}

export function getGuard(agent: string): Promise<GuardSettings> {
  return enclave.invoke('guard.get', { agent });
}

export function setGuard(agent: string, settings: Partial<GuardSettings>): Promise<GuardSettings> {
  return enclave.invoke('guard.set', { agent, settings });
}

export async function loadActivity(agent: string): Promise<void> {
  const list: ActivityEntry[] = await enclave.invoke('activity.list', { agent, limit: 200 });
  useActivity.getState().loaded(agent, list);
}

/** After a reconnect: logs shown so far are loaded again (entries pushed meanwhile were missed). */
export function resyncActivity(): void {
  for (const agent of Object.keys(useActivity.getState().byAgent)) {
    loadActivity(agent).catch((error: unknown) => console.warn('activity.list failed:', errorMessage(error)));
  }
}
