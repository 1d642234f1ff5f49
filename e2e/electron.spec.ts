import { _electron as electron, expect, test } from '@playwright/test';
import { join } from 'node:path';
import { electronBinary, hasDisplay } from '../scripts/electron-binary.mjs';
import { root } from './support.js';

const { binary, why } = electronBinary(root);

test('the Electron app shows the agents over IPC, with a sandboxed renderer', async () => {
  test.skip(!binary, `Electron-only test skipped: ${why}. Browser-mode specs cover the same UI and contract.`);
  test.skip(!hasDisplay(), 'Electron-only test skipped: no display ($DISPLAY / $WAYLAND_DISPLAY unset); run it under xvfb-run.');
  const app = await electron.launch({
    executablePath: binary ?? '',
    args: [join(root, 'dist/electron/main.cjs')],
    env: { ...process.env, ENCLAVE_PROJECT: process.env.ENCLAVE_PROJECT ?? '' },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('new-agent')).toBeVisible();
    // Served from app://enclave with the strict policy as a header, never from file://.
    expect(page.url()).toBe('app://enclave/index.html');
    // connect-src 'none': the page cannot even fetch its own origin.
    const fetched = await page.evaluate(() => fetch('app://enclave/index.html').then(() => 'fetched', () => 'refused'));
    expect(fetched).toBe('refused');
    // The renderer has the bridge and nothing of Node.
    expect(await page.evaluate(() => typeof (window as { enclave?: unknown }).enclave)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const status = await page.evaluate(async () => {
      const bridge = (window as unknown as { enclave: { call(m: string, a: unknown): Promise<{ ok: boolean }> } }).enclave;
      return bridge.call('system.status', {});
    });
    expect(status.ok).toBe(true);
    const refused = await page.evaluate(async () => {
      const bridge = (window as unknown as { enclave: { call(m: string, a: unknown): Promise<unknown> } }).enclave;
      return bridge.call('agents.delete', { name: '../etc' });
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  } finally {
    await app.close();
  }
});
