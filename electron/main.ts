import {
  BrowserWindow,
  Menu,
  Notification,
  app,
  dialog,
  nativeTheme,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { dirname, join } from 'node:path';
import type { UiCommand } from '../shared/ui-commands.js';
import { Backend } from './core/backend.js';
import { electronSecretCipher } from './core/secrets/choose-cipher.js';
import { cliConfigDir } from './core/servers/cli-config.js';
import { appMenuTemplate } from './desktop/app-menu.js';
import { APP_ENTRY, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './desktop/app-origin.js';
import { appProtocolHandler } from './desktop/app-protocol.js';
import { ExternalLinks, LINK_PROMPT_OPEN, linkPrompt } from './desktop/external-links.js';
import { desktopNotifications } from './desktop/notifications.js';
import { permissionHandlers } from './desktop/permissions.js';
import { cleanQuit, runningAgentCount } from './desktop/quit.js';
import { claimSingleInstance } from './desktop/single-instance.js';
import { guardEveryWebContents } from './desktop/web-guards.js';
import { MIN_SIZE, WindowStateStore, restoredBounds, type WindowBounds } from './desktop/window-state.js';
import { bringForward } from './desktop/bring-forward.js';
import { IpcTransport } from './transport/ipc.js';

// The composition of the desktop app: each piece lives in electron/desktop (plain Node, tested
// there); this file hands them Electron's objects. Bundled to dist/electron/main.cjs; the
// renderer is built to dist/renderer and served from app://enclave/.
const rendererDir = join(__dirname, '..', 'renderer');
const preload = join(__dirname, 'preload.cjs');
const APP_USER_MODEL_ID = 'dev.enclave.app';
/** Help → the Incus documentation: the project has no public page of its own yet. */
const HELP_URL = 'https://linuxcontainers.org/incus/docs/main/';
/** The page's own background (renderer/src/styles.css --bg), so no white flash before it paints. */
const BACKGROUND = { light: '#f5f6f8', dark: '#0e1014' };

const background = () => (nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light);

// Before the app is ready, or Electron refuses: every renderer sandboxed, app:// privileged.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

/** The window the app talks to: the focused one, else the first still open. */
function currentWindow(): BrowserWindow | null {
  const focused = BrowserWindow.getFocusedWindow();
  if (focused && !focused.isDestroyed()) return focused;
  return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed()) ?? null;
}

async function main(): Promise<void> {
  // A second start hands over to the running one (which comes forward) and quits.
  let focusRunning: () => void = () => undefined;
  if (!claimSingleInstance(app, () => focusRunning())) return;
  app.setAppUserModelId(APP_USER_MODEL_ID);
  nativeTheme.themeSource = 'system';

  await app.whenReady();
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));

  // safeStorage answers only once the app is ready (on Linux it needs the secret service).
  // From a checkout, the connection screen may run the setup script; a packaged app has none.
  const backend = new Backend({
    setup: { script: app.isPackaged ? null : join(__dirname, '..', '..', 'scripts', 'setup-incus.sh') },
    secretCipher: electronSecretCipher(safeStorage),
    cliConfigDir: cliConfigDir(),
  });
  const configDir = dirname(backend.settings.path);

  const links = new ExternalLinks({
    hostsFile: join(configDir, 'opened-hosts.json'),
    open: (url) => shell.openExternal(url),
    // Asked on the window the link was clicked in (it has the focus), as a sheet of it.
    confirm: async (url) => {
      const options = { ...linkPrompt(url), type: 'question' as const, noLink: true, title: 'Open link' };
      const parent = currentWindow();
      const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
      return response === LINK_PROMPT_OPEN;
    },
  });
  const openExternal = (url: string) =>
    void links.open(url).then((result) => {
      if (!result.opened) console.warn(`Not opened (${result.reason}): ${url.slice(0, 200)}`);
    });
  // Before the first window: every webContents from now on refuses navigation, windows, <webview>.
  guardEveryWebContents(app, { openExternal });

  const permissions = permissionHandlers();
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) =>
    permissions.request(contents, permission, callback, details),
  );
  session.defaultSession.setPermissionCheckHandler((contents, permission, origin, details) =>
    permissions.check(contents, permission, origin, details),
  );
  session.defaultSession.setDevicePermissionHandler((details) => permissions.device(details));

  const transport = new IpcTransport(backend);
  const windowState = new WindowStateStore(join(configDir, 'window-state.json'));
  const saved = await windowState.load();

  async function createWindow(): Promise<BrowserWindow> {
    const bounds: WindowBounds = restoredBounds(saved, screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow({
      ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
      width: bounds.width,
      height: bounds.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      title: 'Enclave',
      show: false,
      backgroundColor: background(),
      webPreferences: {
        preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        safeDialogs: true,
        navigateOnDragDrop: false,
        spellcheck: false,
        devTools: !app.isPackaged,
      },
    });
    if (bounds.maximized) win.maximize();
    if (bounds.fullScreen) win.setFullScreen(true);
    windowState.track(win);
    transport.attach(win.webContents);
    win.once('ready-to-show', () => win.show());
    await win.loadURL(APP_ENTRY);
    return win;
  }

  /** The running window forward, or a new one when none is open (macOS keeps the app without). */
  function showWindow(): BrowserWindow | null {
    const win = currentWindow();
    if (win) bringForward(win);
    else void createWindow().catch(fail);
    return win;
  }
  const sendCommand = (command: UiCommand) => {
    const win = currentWindow();
    if (win) transport.send(win.webContents, 'ui.command', { command });
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      // The app menu's items are Electron's MenuItemConstructorOptions, spelled structurally there.
      appMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged, command: sendCommand, openHelp: () => openExternal(HELP_URL) }),
    ),
  );

  desktopNotifications(
    backend,
    (notice) => {
      if (!Notification.isSupported()) return;
      const shown = new Notification({ title: notice.title, body: notice.body });
      const onClick = notice.onClick;
      if (onClick) shown.on('click', () => onClick());
      shown.show();
    },
    (agent) => {
      const win = showWindow();
      if (win) transport.send(win.webContents, 'ui.openAgent', { agent });
    },
  );

  cleanQuit(app, {
    stop: async () => {
      transport.close();
      await Promise.all([backend.stop(), windowState.flush()]);
    },
    runningAgents: () => runningAgentCount(backend.cachedAgents()),
    say: (message) => {
      console.log(message);
      if (Notification.isSupported()) new Notification({ title: 'Enclave', body: message }).show();
    },
  });
  nativeTheme.on('updated', () => {
    for (const win of BrowserWindow.getAllWindows()) win.setBackgroundColor(background());
  });
  app.on('window-all-closed', () => {
    // Agents live in Incus, not in this process: quitting never stops them (cleanQuit says so).
    if (process.platform !== 'darwin') app.quit();
  });

  backend.start();
  await createWindow();
  // Only now: until the first window exists, a second start or macOS's 'activate' (emitted at
  // launch too) would make another.
  focusRunning = () => void showWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow().catch(fail);
  });
}

/** A start that failed says why in a dialog and ends the app, never as an unhandled rejection. */
function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error('Enclave could not start:', err);
  dialog.showErrorBox('Enclave could not start', message);
  app.exit(1);
}

main().catch(fail);
