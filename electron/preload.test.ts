import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EnclaveBridge } from '../shared/api.js';
import { APP_ENTRY } from './desktop/app-origin.js';
import { createFakeElectron, type FakeElectron, type FakeRenderer, type FakeWebContents } from './test-support/fake-electron.js';
import { loadPreload } from './test-support/electron-harness.js';

const EVENT_CHANNEL = 'enclave:event';
const INVOKE_CHANNEL = 'enclave:invoke';

describe('the preload', () => {
  let electron: FakeElectron;
  let contents: FakeWebContents;
  let renderer: FakeRenderer;
  let bridge: EnclaveBridge;
  const emit = (name: unknown, payload: unknown) => contents.send(EVENT_CHANNEL, name, payload);

  beforeEach(async () => {
    electron = createFakeElectron();
    electron.app.becomeReady();
    contents = new electron.BrowserWindow({ show: false, webPreferences: { contextIsolation: true, sandbox: true } }).webContents;
    contents.commit(APP_ENTRY);
    renderer = electron.renderer(contents);
    bridge = await loadPreload(electron, contents);
  });
  afterEach(() => vi.restoreAllMocks());

  it('exposes window.enclave with call and on, and nothing else', () => {
    expect(Object.keys(renderer.world)).toEqual(['enclave']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
  });

  it('listens on the event channel once, however many subscriptions come and go', () => {
    expect(renderer.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1);
    const offs = Array.from({ length: 200 }, (_, i) => bridge.on(i % 2 ? 'agents.changed' : 'guard.alert', () => undefined));
    expect(renderer.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1);
    for (const off of offs) off();
    expect(renderer.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1);
    expect(renderer.ipcRenderer.eventNames()).toEqual([EVENT_CHANNEL]);
  });

  it('hands each event to the subscriptions of its name only', () => {
    const changed = vi.fn();
    const alert = vi.fn();
    bridge.on('agents.changed', changed);
    bridge.on('guard.alert', alert);
    emit('agents.changed', { kind: 'removed', name: 'a' });
    expect(changed).toHaveBeenCalledExactlyOnceWith({ kind: 'removed', name: 'a' });
    expect(alert).not.toHaveBeenCalled();
    // A name nobody listens to, or that is not a name at all, is dropped.
    emit('telemetry.samples', []);
    emit(7, {});
    emit(undefined, {});
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('makes every subscription its own, removed by its own unsubscribe', () => {
    const listener = vi.fn();
    const offA = bridge.on('agents.changed', listener);
    bridge.on('agents.changed', listener);
    emit('agents.changed', 1);
    expect(listener).toHaveBeenCalledTimes(2);
    offA();
    offA();
    emit('agents.changed', 2);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('keeps delivering to the others when one listener throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = vi.fn();
    const after = vi.fn();
    bridge.on('guard.alert', before);
    bridge.on('guard.alert', () => {
      throw new Error('a broken view');
    });
    bridge.on('guard.alert', after);
    emit('guard.alert', { id: 'x' });
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('A listener of guard.alert failed:', expect.any(Error));
  });

  it('delivers a round to those subscribed when it began, even if one unsubscribes another', () => {
    const second = vi.fn();
    let offSecond = () => undefined as void;
    bridge.on('agents.changed', () => offSecond());
    offSecond = bridge.on('agents.changed', second);
    emit('agents.changed', 1);
    expect(second).toHaveBeenCalledTimes(1);
    emit('agents.changed', 2);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('calls through the invoke channel with the method and arguments, and gives back the reply', async () => {
    const seen: unknown[] = [];
    electron.ipcMain.handle(INVOKE_CHANNEL, (event, method, args) => {
      seen.push({ sender: event.sender.id, frame: event.senderFrame === contents.mainFrame, method, args });
      return { ok: true, result: { echoed: args } };
    });
    expect(await bridge.call('agents.list', { server: 'x' })).toEqual({ ok: true, result: { echoed: { server: 'x' } } });
    expect(seen).toEqual([{ sender: contents.id, frame: true, method: 'agents.list', args: { server: 'x' } }]);
  });

  it('refuses to load without context isolation (contextBridge needs it)', async () => {
    const open = new electron.BrowserWindow({ show: false, webPreferences: { contextIsolation: false } }).webContents;
    open.commit(APP_ENTRY);
    await expect(loadPreload(electron, open)).rejects.toThrow(/contextIsolation/);
  });

  it('is bundled alone: the built preload requires electron and nothing else', async () => {
    // The options scripts/build-main.mjs builds it with.
    const out = await build({
      entryPoints: ['electron/preload.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
  });
});
