import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../shared/types.js';
import { COMMAND_ACCELERATORS } from './desktop/app-menu.js';
import { APP_ENTRY, APP_SCHEME_PRIVILEGES } from './desktop/app-origin.js';
import { LINK_PROMPT_OPEN } from './desktop/external-links.js';
import { quitMessage } from './desktop/quit.js';
import { createFakeElectron, type FakeElectron, type FakeWebContents } from './test-support/fake-electron.js';
import { loadMain, loadPreload, readyMain } from './test-support/electron-harness.js';
import { STUB_STATUS, type Backend as StubBackend } from './test-support/stub-backend.js';

// Only the backend is stood in for: every electron/desktop module main.ts composes is the real one.
vi.mock('./core/backend.js', () => import('./test-support/stub-backend.js'));

const EVENT_CHANNEL = 'enclave:event';

describe('main.ts under the fake electron', () => {
  let electron: FakeElectron;
  const dirs: string[] = [];

  let madeBefore = 0;
  /** The stub class main.ts gets (vitest keeps a mocked module across module resets). */
  const stubs = async () => (await import('./core/backend.js')).Backend as unknown as typeof StubBackend;
  /** The stubs main.ts made in this test. */
  const madeNow = async () => (await stubs()).made.slice(madeBefore);
  async function backend(): Promise<StubBackend> {
    const made = await madeNow();
    if (made.length !== 1) throw new Error(`main made ${made.length} backends`);
    return made[0] as StubBackend;
  }
  async function boot(prepare?: (e: FakeElectron) => void, configDir?: string): Promise<FakeWebContents> {
    prepare?.(electron);
    await loadMain(electron, async () => {
      if (configDir) (await stubs()).nextConfigDir = configDir;
    });
    return readyMain(electron);
  }

  beforeEach(async () => {
    electron = createFakeElectron();
    madeBefore = (await stubs()).made.length;
  });
  afterEach(async () => {
    for (const b of await madeNow()) dirs.push(dirname(b.settings.path));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    vi.restoreAllMocks();
  });

  it('before ready: enables the sandbox and makes app:// privileged, and creates nothing', async () => {
    await loadMain(electron);
    expect(electron.log).toEqual(['app.enableSandbox', 'protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock']);
    expect(electron.app.sandboxEnabled).toBe(true);
    expect(electron.privilegedSchemes).toEqual([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    expect(electron.app.appUserModelId).toBe('dev.enclave.app');
    expect(electron.nativeTheme.themeSource).toBe('system');
    expect(electron.windows).toEqual([]);
  });

  it('opens one window with the hardened options, loaded from app://enclave through the app:// handler', async () => {
    const contents = await boot();
    expect(electron.windows).toHaveLength(1);
    const options = electron.windows[0]?.options as { webPreferences: Record<string, unknown> } & Record<string, unknown>;
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      safeDialogs: true,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    });
    expect(options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(options).toMatchObject({ show: false, backgroundColor: '#f5f6f8', minWidth: expect.any(Number), minHeight: expect.any(Number) });
    expect(contents.getURL()).toBe(APP_ENTRY);
    // Served by the real app:// handler from the renderer folder, with the CSP as a header.
    expect(contents.lastResponse?.status).toBe(200);
    expect(contents.lastResponse?.headers['content-security-policy']).toMatch(/object-src 'none'/);
    expect(electron.windows[0]?.isVisible()).toBe(true); // shown on ready-to-show
    expect((await backend()).starts).toBe(1);
  });

  it('serves every app:// answer with the CSP and refuses a path out of the renderer folder', async () => {
    await boot();
    for (const url of [APP_ENTRY, 'app://enclave/missing.js']) {
      const res = await electron.fetch(url);
      expect(res.headers.get('content-security-policy'), url).toMatch(/default-src 'none'/);
    }
    const out = await electron.fetch('app://enclave/..%2f..%2fpackage.json');
    expect(out.status).not.toBe(200);
  });

  it('packaged: no developer tools and no setup script', async () => {
    await boot((e) => (e.app.isPackaged = true));
    const options = electron.windows[0]?.options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences.devTools).toBe(false);
    expect((await backend()).options).toMatchObject({ setup: { script: null } });
  });

  it('paints the background the system theme asks for, and follows it', async () => {
    await boot((e) => e.nativeTheme.setSystemDark(true));
    const win = electron.windows[0];
    expect(win?.options.backgroundColor).toBe('#0e1014');
    electron.nativeTheme.setSystemDark(false);
    expect(win?.getBackgroundColor()).toBe('#f5f6f8');
  });

  it("restores the saved bounds from the backend's config folder, and saves them there", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enclave-main-unit-'));
    dirs.push(dir);
    await writeFile(join(dir, 'window-state.json'), JSON.stringify({ x: 200, y: 100, width: 1000, height: 700, maximized: true, fullScreen: false }));
    await boot(undefined, dir);
    const win = electron.windows[0];
    expect(win?.options).toMatchObject({ x: 200, y: 100, width: 1000, height: 700 });
    expect(win?.isMaximized()).toBe(true);
    win?.setBounds({ x: 300 });
    win?.close();
    await vi.waitFor(async () => expect(JSON.parse(await readFile(join(dir, 'window-state.json'), 'utf8'))).toMatchObject({ x: 300, width: 1000 }));
  });

  it('guards every webContents: no navigation, no new window, no <webview>', async () => {
    const contents = await boot();
    expect(electron.navigate(contents, 'app://enclave/elsewhere.html')).toBe(false);
    expect(electron.navigate(contents.addSubframe('app://enclave/frame.html'), 'http://127.0.0.1:9/')).toBe(false);
    expect(electron.redirect(contents, 'http://127.0.0.1:9/')).toBe(false);
    expect(electron.windowOpen(contents, 'app://enclave/popup.html')).toBe('deny');
    expect(electron.windows).toHaveLength(1);
    // Any webContents made later is guarded too, even one allowed the tag.
    const other = electron.createContents('remote', { webviewTag: true });
    expect(electron.attachWebview(other, 'app://enclave/')).toBe('prevented');
    expect(electron.windowOpen(other, 'app://enclave/')).toBe('deny');
    expect(contents.getURL()).toBe(APP_ENTRY);
  });

  it('opens an http(s) link in the browser after the user confirms a new host on the window', async () => {
    const contents = await boot();
    expect(electron.windowOpen(contents, 'https://docs.example.org/guide')).toBe('deny');
    await vi.waitFor(() => expect(electron.messageBoxes).toHaveLength(1));
    const box = electron.answerMessageBox(LINK_PROMPT_OPEN);
    expect(box.window).toBe(electron.windows[0]);
    expect(box.options).toMatchObject({ message: expect.stringContaining('docs.example.org') });
    await vi.waitFor(() => expect(electron.openedExternally).toEqual(['https://docs.example.org/guide']));
    // The host is known now: no second question.
    electron.navigate(contents, 'https://docs.example.org/other');
    await vi.waitFor(() => expect(electron.openedExternally).toHaveLength(2));
    expect(electron.messageBoxes).toHaveLength(0);
    // A cancelled one is not opened; what is not http(s) is never even asked about.
    electron.windowOpen(contents, 'https://other.example.net/');
    await vi.waitFor(() => expect(electron.messageBoxes).toHaveLength(1));
    electron.answerMessageBox(1 - LINK_PROMPT_OPEN);
    electron.windowOpen(contents, 'file:///etc/passwd');
    await new Promise((r) => setTimeout(r, 20));
    expect(electron.openedExternally).toHaveLength(2);
    expect(electron.messageBoxes).toHaveLength(0);
  });

  it("decides permissions against the app's exact origin", async () => {
    const contents = await boot();
    expect(await electron.requestPermission(contents, 'clipboard-read')).toBe(true);
    expect(await electron.requestPermission(contents, 'clipboard-sanitized-write')).toBe(true);
    expect(await electron.requestPermission(contents, 'geolocation')).toBe(false);
    expect(await electron.requestPermission(contents, 'clipboard-read', { isMainFrame: false, requestingUrl: 'app://enclave/frame.html' })).toBe(false);
    expect(electron.checkPermission(contents, 'clipboard-read', 'app://enclave')).toBe(true);
    expect(electron.checkPermission(contents, 'clipboard-read', 'file://')).toBe(false);
    const foreign = electron.createContents('window', {});
    foreign.commit('file:///tmp/index.html');
    expect(await electron.requestPermission(foreign, 'clipboard-read')).toBe(false);
    expect(electron.defaultSession().devicePermissionHandler?.({ deviceType: 'usb', origin: 'app://enclave' })).toBe(false);
  });

  it("answers the window's page over IPC, and nothing else", async () => {
    const contents = await boot();
    const bridge = await loadPreload(electron, contents);
    expect(await bridge.call('system.status', {})).toEqual({ ok: true, result: STUB_STATUS });
    expect((await backend()).calls).toEqual([{ method: 'system.status', args: {}, client: `ipc-${contents.id}-2` }]);
    const sub = await loadPreload(electron, contents.addSubframe('app://enclave/frame.html'));
    expect(await sub.call('system.status', {})).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    // Events reach the page through its one listener.
    const heard = vi.fn();
    bridge.on('agents.changed', heard);
    (await backend()).events.emit('agents.changed', { kind: 'removed', name: 'a' });
    await vi.waitFor(() => expect(heard).toHaveBeenCalledWith({ kind: 'removed', name: 'a' }));
  });

  it("sets the application menu; its commands go to the focused window as ui.command", async () => {
    const contents = await boot();
    const menu = electron.applicationMenu;
    if (!menu) throw new Error('no application menu');
    const bridge = await loadPreload(electron, contents);
    const commands = vi.fn();
    bridge.on('ui.command', commands);
    for (const command of ['new-agent', 'snapshot', 'open-terminal'] as const) {
      const item = menu.all().find((i) => i.accelerator === COMMAND_ACCELERATORS[command]);
      if (!item) throw new Error(`no menu item for ${command}`);
      item.click(electron.windows[0]);
      await vi.waitFor(() => expect(commands).toHaveBeenLastCalledWith({ command }));
    }
    expect(contents.sent.filter((s) => s.args[0] === 'ui.command')).toHaveLength(3);
    expect(contents.sent.every((s) => s.channel === EVENT_CHANNEL)).toBe(true);
    expect(menu.all().some((i) => i.role === 'toggledevtools')).toBe(true);
  });

  it('a second instance quits at once and creates nothing', async () => {
    electron.app.lockAvailable = false;
    await loadMain(electron);
    expect(electron.app.quitCalls).toBe(1);
    electron.app.becomeReady();
    await new Promise((r) => setTimeout(r, 20));
    expect(await madeNow()).toEqual([]);
    expect(electron.windows).toEqual([]);
    expect(electron.applicationMenu).toBeNull();
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(electron.defaultSession().protocol.handlers.size).toBe(0);
    expect(electron.errorBoxes).toEqual([]);
  });

  it('brings the running window forward when the app is started again', async () => {
    await boot();
    const win = electron.windows[0];
    win?.minimize();
    expect(win?.isFocused()).toBe(false);
    expect(electron.app.secondInstance(['enclave'])).toBe(true);
    expect(win?.isMinimized()).toBe(false);
    expect(win?.isFocused()).toBe(true);
    expect(electron.windows).toHaveLength(1);
  });

  it('quits cleanly: the backend stops, and the running agents are said to keep running', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await boot();
    const stub = await backend();
    const agent = (name: string, status: Agent['status']) => ({ name, status }) as Agent;
    stub.agents = [agent('a', 'Running'), agent('b', 'Running'), agent('c', 'Stopped')];
    electron.app.quit();
    await vi.waitFor(() => expect(electron.app.exitCode).toBe(0));
    expect(stub.stops).toBe(1);
    expect(electron.notifications.map((n) => n.options.body)).toContain(quitMessage(2));
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('closing the last window quits (off macOS)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await boot();
    electron.windows[0]?.close();
    await vi.waitFor(() => expect(electron.app.exitCode).toBe(0));
    expect((await backend()).stops).toBe(1);
  });

  it('a start that fails says why in a dialog and exits, with no unhandled rejection', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await loadMain(electron, async () => {
      (await stubs()).failNext = new Error('the config folder is not writable');
    });
    electron.app.becomeReady();
    await vi.waitFor(() => expect(electron.app.exitCode).toBe(1));
    expect(electron.errorBoxes).toEqual([{ title: 'Enclave could not start', content: 'the config folder is not writable' }]);
    expect(electron.windows).toEqual([]);
  });
});
