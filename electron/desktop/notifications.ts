import type { Backend } from '../core/backend.js';
import { notifyOn } from '../core/agent-status/notify-setting.js';
import { waitingNotifier } from '../core/agent-status/notifier.js';
import { alertNotifier } from '../core/guard/notifier.js';

/** An OS notification to show; `onClick` runs when the user clicks it. */
export interface DesktopNotice {
  title: string;
  body: string;
  onClick?: () => void;
}

/**
 * The backend's notifiers (guard alerts, an agent waiting for input) shown as OS
 * notifications through `show`; clicking a waiting notice calls `openAgent(ref)`.
 * Returns the unsubscribe.
 */
export function desktopNotifications(
  backend: Pick<Backend, 'events' | 'cachedAgent'>,
  show: (notice: DesktopNotice) => void,
  openAgent: (agent: string) => void,
): () => void {
  const onAlert = contained(alertNotifier((notice) => show({ title: notice.title, body: notice.body })));
  const onRunStatus = contained(waitingNotifier({
    enabled: (agent) => {
      const known = backend.cachedAgent(agent);
      return known !== undefined && notifyOn(known.meta);
    },
    show: (notice) => show({ title: notice.title, body: notice.body, onClick: () => openAgent(notice.agent) }),
  }));
  backend.events.on('guard.alert', onAlert);
  backend.events.on('agents.runStatus', onRunStatus);
  return () => {
    backend.events.off('guard.alert', onAlert);
    backend.events.off('agents.runStatus', onRunStatus);
  };
}

/**
 * A listener that runs inside the backend's emit: a failing notification must not reach the
 * code that emitted the event (the mirror, the guard).
 */
function contained<T>(listener: (payload: T) => void): (payload: T) => void {
  return (payload) => {
    try {
      listener(payload);
    } catch (err) {
      console.warn(`Enclave: a notification could not be shown: ${String(err)}`);
    }
  };
}
