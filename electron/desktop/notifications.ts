import type { Backend } from '../core/backend.js';

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
  throw new Error(`not implemented ${typeof backend} ${typeof show} ${typeof openAgent}`);
}
