import { BrowserWindow, app, session, shell } from 'electron';
import { join } from 'node:path';
import { Backend } from './core/backend.js';
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
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const backend = new Backend();
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
