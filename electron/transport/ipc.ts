import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { events, type EventName, type EventOf, type Reply } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import type { Backend } from '../core/backend.js';
import type { ClientLink } from '../core/client-link.js';
import { Listeners, toDisposable, type Disposable } from '../core/disposable.js';
import { isAppUrl } from '../desktop/app-origin.js';
import { dispatch } from './dispatch.js';

export const INVOKE_CHANNEL = 'enclave:invoke';
export const EVENT_CHANNEL = 'enclave:event';

type ClosableLink = ClientLink & { close(): void };

/** One attached window: its webContents and the link of the page it shows now. */
interface Attached {
  contents: WebContents;
  link: ClosableLink;
  generation: number;
  detach: Disposable;
}

/**
 * The Electron transport: registered once (`ipcMain.handle` allows one handler per channel),
 * windows attached to it and detached from it. Every request on the invoke channel is checked
 * for its sender: the main frame of an attached window, showing the app's own origin; anything
 * else gets `forbidden-sender`. Then `dispatch` validates it as the WebSocket transport does.
 * Each page load of a window is its own client: a reload or a crash drops what the old page
 * was attached to. Each pushed event goes once to each attached window showing the app.
 */
export class IpcTransport {
  private readonly windows = new Map<number, Attached>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(private readonly backend: Pick<Backend, 'handlers' | 'events'>) {
    ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, args: unknown) => this.answer(event, method, args));
    for (const name of Object.keys(events) as EventName[]) {
      const listener = (payload: unknown) => this.broadcast(name, payload);
      backend.events.on(name, listener as never);
      this.unsubscribe.push(() => backend.events.off(name, listener as never));
    }
  }

  /** Serves the window of `contents` until it is destroyed or the result is disposed. */
  attach(contents: WebContents): Disposable {
    if (this.closed) throw new Error('The IPC transport is closed.');
    const known = this.windows.get(contents.id);
    if (known) return known.detach;
    const renew = () => {
      const entry = this.windows.get(contents.id);
      if (!entry) return;
      entry.link.close();
      entry.link = this.newLink(contents, ++entry.generation);
    };
    const gone = () => detach.dispose();
    const detach = toDisposable(() => {
      const entry = this.windows.get(contents.id);
      if (entry?.contents !== contents) return;
      this.windows.delete(contents.id);
      contents.off('did-navigate', renew);
      contents.off('render-process-gone', renew);
      contents.off('destroyed', gone);
      entry.link.close();
    });
    this.windows.set(contents.id, { contents, link: this.newLink(contents, 1), generation: 1, detach });
    contents.on('did-navigate', renew);
    contents.on('render-process-gone', renew);
    contents.on('destroyed', gone);
    return detach;
  }

  /** An event for one window only (the menu's command, a clicked notification's agent). */
  send<E extends EventName>(contents: WebContents, event: E, payload: EventOf<E>): boolean {
    const entry = this.windows.get(contents.id);
    if (entry?.contents !== contents) return false;
    return this.deliver(contents, event, payload);
  }

  /** Removes the handler and detaches every window; events stop. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    ipcMain.removeHandler(INVOKE_CHANNEL);
    for (const entry of [...this.windows.values()]) entry.detach.dispose();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private answer(event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<Reply> | Reply {
    const entry = this.senderEntry(event);
    if (!entry) {
      return { ok: false, error: new EnclaveError('forbidden-sender', "Calls are accepted from the Enclave window's own page only.").toInfo() };
    }
    return dispatch(this.backend.handlers, method, args, { client: entry.link });
  }

  /** The attached window whose main frame, on the app's origin, sent `event`; else null. */
  private senderEntry(event: IpcMainInvokeEvent): Attached | null {
    const sender = event.sender;
    const entry = this.windows.get(sender.id);
    if (entry?.contents !== sender || sender.isDestroyed()) return null;
    const frame = event.senderFrame;
    if (!frame || frame !== sender.mainFrame) return null;
    return isAppUrl(frame.url) ? entry : null;
  }

  private broadcast(event: EventName, payload: unknown): void {
    for (const { contents } of this.windows.values()) this.deliver(contents, event, payload);
  }

  /** Only a page of the app hears the backend: a window showing anything else gets nothing. */
  private deliver(contents: WebContents, event: EventName, payload: unknown): boolean {
    if (contents.isDestroyed() || !isAppUrl(contents.mainFrame.url)) return false;
    contents.send(EVENT_CHANNEL, event, payload);
    return true;
  }

  private newLink(contents: WebContents, generation: number): ClosableLink {
    const listeners = new Listeners();
    const link: ClosableLink = {
      id: `ipc-${contents.id}-${generation}`,
      // What was meant for the page before a reload never reaches the page after it.
      push: (event, payload) => {
        if (this.windows.get(contents.id)?.link === link) this.deliver(contents, event, payload);
      },
      onClose: (listener) => listeners.add(listener),
      close: () => listeners.fire(),
    };
    return link;
  }
}
