import { ipcMain, type WebContents } from 'electron';
import { events, type EventName } from '../../shared/api.js';
import type { Backend } from '../core/backend.js';
import type { ClientLink } from '../core/client-link.js';
import { Listeners } from '../core/disposable.js';
import { dispatch } from './dispatch.js';

export const INVOKE_CHANNEL = 'enclave:invoke';
export const EVENT_CHANNEL = 'enclave:event';

/**
 * The Electron transport: one invoke channel for every request (validated by `dispatch`
 * like the WebSocket transport) and one event channel carrying every pushed event. Each page
 * load is its own client: a reload drops what the old page was attached to.
 */
export function serveIpc(backend: Backend, target: WebContents): () => void {
  let generation = 0;
  let link = newLink();

  function newLink(): ClientLink & { close(): void } {
    const listeners = new Listeners();
    return {
      id: `ipc-${target.id}-${++generation}`,
      push: (event, payload) => {
        if (!target.isDestroyed()) target.send(EVENT_CHANNEL, event, payload);
      },
      onClose: (listener) => listeners.add(listener),
      close: () => listeners.fire(),
    };
  }
  const renew = () => {
    link.close();
    link = newLink();
  };
  target.on('did-navigate', renew);
  target.on('render-process-gone', renew);

  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, args: unknown) => {
    // Only our own window's main frame may call the backend.
    if (event.sender !== target || event.senderFrame !== target.mainFrame) {
      return { ok: false, error: { code: 'unknown-method', message: 'Calls are accepted from the Enclave window only.' } };
    }
    return dispatch(backend.handlers, method, args, { client: link });
  });
  const unsubscribe: (() => void)[] = [];
  for (const name of Object.keys(events) as EventName[]) {
    const listener = (payload: unknown) => {
      if (!target.isDestroyed()) target.send(EVENT_CHANNEL, name, payload);
    };
    backend.events.on(name, listener as never);
    unsubscribe.push(() => backend.events.off(name, listener as never));
  }
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    target.off('did-navigate', renew);
    target.off('render-process-gone', renew);
    link.close();
    unsubscribe.forEach((u) => u());
  };
}
