import { BrowserWindow, Notification, app, session, shell } from 'electron';
import { join } from 'node:path';
import { Backend } from './core/backend.js';
import { alertNotifier } from './core/guard/notifier.js';
import { serveIpc } from './transport/ipc.js';

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
  const backend = new Backend({ setup: { script: join(__dirname, '..', '..', 'scripts', 'setup-incus.sh') } });
  backend.events.on(
    'guard.alert',
    alertNotifier((notice) => {
      if (Notification.isSupported()) new Notification(notice).show();
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
