import type { GuardAlert } from '../../../shared/types.js';

export interface DesktopNotice {
  title: string;
  body: string;
}

/**
 * Turns the guard's alert events into OS notifications: one when an alert becomes active,
 * none for its updates (new numbers, the action taken) or its clearing. Electron's main
 * process passes a `show` that raises a `Notification`; everything else lives here, in
 * plain Node, where it is tested.
 */
export function alertNotifier(show: (notice: DesktopNotice) => void): (alert: GuardAlert) => void {
  const notified = new Set<string>();
  return (alert) => {
    if (!alert.active) {
      notified.delete(alert.id);
      return;
    }
    if (notified.has(alert.id)) return;
    notified.add(alert.id);
    const action = alert.action ? ` (${alert.action})` : '';
    show({ title: `Enclave: ${alert.agent}`, body: `${alert.message}${action}` });
  };
}
