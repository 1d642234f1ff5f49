/**
 * Loads main.ts and the preload as they are, each with its own `electron` module from a
 * FakeElectron (as in Electron, the main process and every renderer have different ones).
 * Each load is a fresh module registry, so one test's main process never meets another's.
 */
import { vi } from 'vitest';
import type { EnclaveBridge } from '../../shared/api.js';
import { APP_ENTRY } from '../desktop/app-origin.js';
import type { FakeElectron, FakeWebContents, FakeWebFrameMain } from './fake-electron.js';

/**
 * Runs main.ts in `electron` up to where it waits for the app to be ready. `before` runs in the
 * fresh registry first, so what it imports (a stub to prepare) is what main.ts will get.
 */
export async function loadMain(electron: FakeElectron, before?: () => Promise<void>): Promise<void> {
  vi.resetModules();
  vi.doMock('electron', () => electron.module);
  await before?.();
  await import('../main.js');
}

/** The app becomes ready; resolves once main's first window has loaded the app's page. */
export async function readyMain(electron: FakeElectron, timeout = 10_000): Promise<FakeWebContents> {
  electron.app.becomeReady();
  return vi.waitFor(
    () => {
      if (electron.errorBoxes.length) throw new Error(`main failed: ${JSON.stringify(electron.errorBoxes)}`);
      const contents = electron.windows[0]?.webContents;
      if (!contents || contents.isDestroyed() || contents.getURL() !== APP_ENTRY || contents.isLoading()) throw new Error('no window has loaded the app yet');
      return contents;
    },
    { timeout, interval: 5 },
  );
}

/** The preload run in `frame`'s document (a window's main frame by default): window.enclave. */
export async function loadPreload(electron: FakeElectron, target: FakeWebContents | FakeWebFrameMain): Promise<EnclaveBridge> {
  const renderer = electron.renderer(target);
  vi.resetModules();
  // One pending doMock per import: vitest resolves queued mocks of one id in parallel, so two
  // queued at once (this one and a later load's) could be registered in either order.
  vi.doMock('electron', () => renderer.module);
  await import('../preload.js');
  const bridge = renderer.world.enclave;
  if (!bridge) throw new Error('the preload exposed no window.enclave');
  return bridge as EnclaveBridge;
}

/** electron/transport/ipc.ts as the main process of `electron` loads it. */
export async function loadIpc(electron: FakeElectron): Promise<typeof import('../transport/ipc.js')> {
  vi.resetModules();
  vi.doMock('electron', () => electron.module);
  return import('../transport/ipc.js');
}
