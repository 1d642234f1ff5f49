import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventOf, Reply } from '../../shared/api.js';
import type { CallContext, Handlers } from '../../shared/handlers.js';
import { APP_ENTRY } from '../desktop/app-origin.js';
import type { ClientLink } from '../core/client-link.js';
import { createFakeElectron, type FakeBrowserWindow, type FakeElectron } from '../test-support/fake-electron.js';
import { loadIpc, loadPreload } from '../test-support/electron-harness.js';
import type { IpcTransport } from './ipc.js';

type Pushed = { [E in EventName]: [EventOf<E>] };

/** A backend of two methods: system.status answers its caller's link id, agents.list the links it saw. */
function tinyBackend() {
  const events = new EventEmitter<Pushed>();
  const links: ClientLink[] = [];
  const handlers = {
    'system.status': async (_args: unknown, ctx: CallContext) => {
      links.push(ctx.client as ClientLink);
      return { state: 'connecting', socketPath: ctx.client?.id ?? 'none', tried: [] };
    },
  } as unknown as Handlers;
  return { events, handlers, links };
}

describe('the IPC transport', () => {
  let electron: FakeElectron;
  let backend: ReturnType<typeof tinyBackend>;
  let transport: IpcTransport;
  let ipc: Awaited<ReturnType<typeof loadIpc>>;

  async function appWindow(): Promise<FakeBrowserWindow> {
    const win = new electron.BrowserWindow({ show: false, webPreferences: { contextIsolation: true, sandbox: true } });
    transport.attach(win.webContents as never);
    win.webContents.commit(APP_ENTRY);
    return win;
  }
  const linkId = (reply: Reply) => (reply.ok ? (reply.result as { socketPath: string }).socketPath : reply.error.code);

  beforeEach(async () => {
    electron = createFakeElectron();
    electron.app.becomeReady();
    ipc = await loadIpc(electron);
    backend = tinyBackend();
    transport = new ipc.IpcTransport(backend);
  });
  afterEach(() => transport.close());

  it('registers ipcMain.handle once, however many windows attach', async () => {
    const [a, b, c] = [await appWindow(), await appWindow(), await appWindow()];
    expect(electron.ipcMain.handlers.size).toBe(1);
    // What a transport per window did: Electron refuses a second handler on the channel.
    expect(() => new ipc.IpcTransport(backend)).toThrow("Attempted to register a second handler for 'enclave:invoke'");
    const bridges = [];
    for (const w of [a, b, c]) bridges.push(await loadPreload(electron, w.webContents));
    const replies = await Promise.all(bridges.map((bridge) => bridge.call('system.status', {})));
    // Each window its own client (the page it loaded after attaching is its second generation).
    expect(replies.map(linkId)).toEqual([a, b, c].map((w) => `ipc-${w.webContents.id}-2`));
  });

  it('answers a foreign frame with forbidden-sender, never with unknown-method', async () => {
    const win = await appWindow();
    const subframe = win.webContents.addSubframe(`${APP_ENTRY}#embedded`);
    const foreignSub = win.webContents.addSubframe('http://127.0.0.1:9/ad.html');
    const unattached = new electron.BrowserWindow({ show: false });
    unattached.webContents.commit(APP_ENTRY);
    const elsewhere = await appWindow();
    elsewhere.webContents.commit('http://127.0.0.1:9/');

    for (const target of [subframe, foreignSub, unattached.webContents, elsewhere.webContents]) {
      const bridge = await loadPreload(electron, target);
      for (const method of ['system.status', 'agents.explode', 42]) {
        const reply = await bridge.call(method as string, {});
        expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
      }
    }
    expect(backend.links).toEqual([]);
  });

  it('refuses a message whose frame is gone, and a window no longer attached', async () => {
    const win = await appWindow();
    const renderer = electron.renderer(win.webContents);
    await loadPreload(electron, win.webContents);
    // The handler sees the event after its frame went (senderFrame null in Electron).
    const handler = electron.ipcMain.handlers.get(ipc.INVOKE_CHANNEL);
    if (!handler) throw new Error('no handler');
    const reply = await handler({ type: 'frame', sender: win.webContents, senderFrame: null, frameId: 1, processId: 1 }, 'system.status', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });

    const detach = transport.attach(win.webContents as never);
    detach.dispose();
    expect(await (renderer.world.enclave as { call(m: string, a: unknown): Promise<Reply> }).call('system.status', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });

  it('makes each page load a client of its own: a reload or a crash closes the old link', async () => {
    const win = await appWindow();
    const first = await loadPreload(electron, win.webContents);
    expect(linkId(await first.call('system.status', {}))).toBe(`ipc-${win.webContents.id}-2`);
    const closed = vi.fn();
    const [oldLink] = backend.links;
    if (!oldLink) throw new Error('no link seen');
    oldLink.onClose(closed);

    win.webContents.commit(APP_ENTRY); // a reload: did-navigate
    expect(closed).toHaveBeenCalledTimes(1);
    const second = await loadPreload(electron, win.webContents);
    const heard = vi.fn();
    second.on('agents.progress', heard);
    // What was pushed to the old page never reaches the new one.
    oldLink.push('agents.progress', { name: 'a', step: 'x' } as never);
    expect(linkId(await second.call('system.status', {}))).toBe(`ipc-${win.webContents.id}-3`);
    expect(heard).not.toHaveBeenCalled();
    backend.links[1]?.push('agents.progress', { name: 'a', step: 'y' } as never);
    await vi.waitFor(() => expect(heard).toHaveBeenCalledWith({ name: 'a', step: 'y' }));

    win.webContents.crash();
    win.webContents.commit(APP_ENTRY);
    const third = await loadPreload(electron, win.webContents);
    // The crash renewed it, and so did the reload after it.
    expect(linkId(await third.call('system.status', {}))).toBe(`ipc-${win.webContents.id}-5`);
  });

  it('sends each backend event once to each window showing the app, and to none other', async () => {
    const [a, b] = [await appWindow(), await appWindow()];
    const away = await appWindow();
    away.webContents.commit('http://127.0.0.1:9/');
    const unattached = new electron.BrowserWindow({ show: false });
    unattached.webContents.commit(APP_ENTRY);

    backend.events.emit('agents.changed', { kind: 'removed', name: 'gone' });
    for (const w of [a, b]) {
      expect(w.webContents.sent).toEqual([{ channel: ipc.EVENT_CHANNEL, args: ['agents.changed', { kind: 'removed', name: 'gone' }] }]);
    }
    expect(away.webContents.sent).toEqual([]);
    expect(unattached.webContents.sent).toEqual([]);

    // A closed window is detached: nothing is sent to it, nothing throws.
    a.close();
    backend.events.emit('agents.changed', { kind: 'removed', name: 'again' });
    expect(b.webContents.sent).toHaveLength(2);
  });

  it('sends a window-only event to that window alone', async () => {
    const [a, b] = [await appWindow(), await appWindow()];
    expect(transport.send(b.webContents as never, 'ui.command', { command: 'snapshot' })).toBe(true);
    expect(a.webContents.sent).toEqual([]);
    expect(b.webContents.sent).toEqual([{ channel: ipc.EVENT_CHANNEL, args: ['ui.command', { command: 'snapshot' }] }]);
    const stranger = new electron.BrowserWindow({ show: false });
    stranger.webContents.commit(APP_ENTRY);
    expect(transport.send(stranger.webContents as never, 'ui.command', { command: 'snapshot' })).toBe(false);
  });

  it('validates like every transport once the sender is known', async () => {
    const win = await appWindow();
    const bridge = await loadPreload(electron, win.webContents);
    expect(await bridge.call('agents.explode', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await bridge.call('agents.delete', { name: '../etc' })).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it('once closed, removes its handler and stops events', async () => {
    const win = await appWindow();
    const bridge = await loadPreload(electron, win.webContents);
    transport.close();
    expect(electron.ipcMain.handlers.size).toBe(0);
    await expect(bridge.call('system.status', {})).rejects.toThrow(/No handler registered for 'enclave:invoke'/);
    backend.events.emit('agents.changed', { kind: 'removed', name: 'x' });
    expect(win.webContents.sent).toEqual([]);
    // A new transport may register again (Electron refuses a second handler only while one is there).
    transport = new ipc.IpcTransport(backend);
    expect(electron.ipcMain.handlers.size).toBe(1);
  });
});
