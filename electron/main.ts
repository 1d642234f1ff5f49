import { BrowserWindow, Notification, app, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { Backend } from './core/backend.js';
import { cliConfigDir } from './core/servers/cli-config.js';
import { alertNotifier } from './core/guard/notifier.js';
import { notifyOn } from './core/agent-status/notify-setting.js';
import { waitingNotifier } from './core/agent-status/notifier.js';
import { electronSecretCipher } from './core/secrets/choose-cipher.js';
import { EVENT_CHANNEL, serveIpc } from './transport/ipc.js';

// Bundled to dist/electron/main.cjs; the renderer is built to dist/renderer.
const rendererIndex = join(__dirname, '..', 'renderer', 'index.html');
const preload = join(__dirname, 'preload.cjs');

function openExternally(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

async function createWindow(backend: Backend): Promise<void> {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Enclave',
    show: false,
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  });
  const stopIpc = serveIpc(backend, win.webContents);
  win.on('closed', stopIpc);
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) {
      event.preventDefault();
      openExternally(url);
    }
  });
  win.once('ready-to-show', () => win.show());
  await win.loadFile(rendererIndex);
}

async function main(): Promise<void> {
  await app.whenReady();
  // The app's own page may use the clipboard (context-menu paste, OSC 52 writes the user
  // allowed in the terminal settings); nothing else is ever granted.
  const CLIPBOARD = new Set(['clipboard-read', 'clipboard-sanitized-write']);
  const ownPage = (url: string) => url.startsWith('file://');
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback) =>
    callback(CLIPBOARD.has(permission) && ownPage(wc.getURL())),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => CLIPBOARD.has(permission) && ownPage(origin));
  // From a checkout, the connection screen may run its setup script; a packaged app has none.
  // safeStorage answers only once the app is ready (on Linux it needs the secret service).
  const backend = new Backend({
    setup: { script: join(__dirname, '..', '..', 'scripts', 'setup-incus.sh') },
    secretCipher: electronSecretCipher(safeStorage),
    cliConfigDir: cliConfigDir(),
  });
  backend.events.on(
    'guard.alert',
    alertNotifier((notice) => {
      if (Notification.isSupported()) new Notification(notice).show();
    }),
  );
  backend.events.on(
    'agents.runStatus',
    waitingNotifier({
      enabled: (agent) => {
        const known = backend.cachedAgent(agent);
        return known !== undefined && notifyOn(known.meta);
      },
      show: (notice) => {
        if (!Notification.isSupported()) return;
        const shown = new Notification({ title: notice.title, body: notice.body });
        // Clicking it brings the window forward with that agent's terminal open.
        shown.on('click', () => {
          const win = BrowserWindow.getAllWindows()[0];
          if (!win || win.isDestroyed()) return;
          if (win.isMinimized()) win.restore();
          win.show();
          win.focus();
          win.webContents.send(EVENT_CHANNEL, 'ui.openAgent', { agent: notice.agent });
        });
        shown.show();
      },
    }),
  );
  backend.start();
  await createWindow(backend);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(backend);
  });
  app.on('window-all-closed', () => {
    // Agents live in Incus, not in this process: quitting never stops them.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void backend.stop());
}

void main();
