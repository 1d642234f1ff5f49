import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './support.js';

test('npm start falls back to browser mode without Electron or a display, saying why', async ({ page }) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ENCLAVE_PROJECT: process.env.ENCLAVE_PROJECT ?? '' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
    });
    expect(out).toMatch(/so starting in browser mode instead of the Electron app/);
    expect(out).toMatch(/no Electron binary|no display|electron package/);
    await page.goto(url);
    await expect(page.getByTestId('new-agent')).toBeVisible();
  } finally {
    child.kill('SIGTERM');
  }
});
