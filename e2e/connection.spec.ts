import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketProxy } from '../electron/test-support/proxy.js';
import { startServe, type Served } from './support.js';

// A daemon that is missing, then appears, then goes away and comes back: played by a proxy in
// front of the real socket, so the real daemon and its agents are never disturbed.
const dir = mkdtempSync(join(tmpdir(), 'enclave-e2e-sock-'));
const proxy = new SocketProxy(join(dir, 'unix.socket'), process.env.INCUS_SOCKET || '/var/lib/incus/unix.socket');
let served: Served;

test.beforeAll(async () => {
  served = await startServe({ INCUS_SOCKET: proxy.path, ENCLAVE_PROJECT: process.env.ENCLAVE_PROJECT ?? '' });
});

test.afterAll(async () => {
  served?.child.kill('SIGTERM');
  await proxy.cut();
  rmSync(dir, { recursive: true, force: true });
});

test('no daemon: a screen says what was tried; the app recovers by itself when Incus answers', async ({ page }) => {
  await page.goto(served.url);
  const screen = page.getByTestId('connection-screen');
  await expect(screen).toBeVisible();
  await expect(screen).toContainText(proxy.path);
  await expect(screen).toContainText('does not exist');
  await expect(screen).toContainText(/retrying/i);
  // The problem once, the fix once.
  expect((await screen.textContent())?.split('does not exist').length).toBe(2);
  // The real setup brings up the local daemon, not the one INCUS_SOCKET names: not offered.
  await expect(screen.getByTestId('setup-unavailable')).toContainText(`pointed at ${proxy.path}`);
  await expect(screen.getByRole('button', { name: 'Set up a local Incus' })).toHaveCount(0);

  await proxy.start();
  await expect(page.getByTestId('new-agent')).toBeVisible({ timeout: 10_000 });
  await expect(screen).toHaveCount(0);

  // The daemon goes away while the page is open, then comes back: no reload needed.
  await proxy.cut();
  await expect(screen).toBeVisible({ timeout: 10_000 });
  await proxy.start();
  await expect(page.getByTestId('new-agent')).toBeVisible({ timeout: 10_000 });
});

test('the access token leaves the address bar and the history once the page is open', async ({ page }) => {
  await page.goto(served.url);
  await expect(page.getByTestId('connection-screen').or(page.getByTestId('new-agent'))).toBeVisible();
  expect(page.url()).not.toContain('token');
  expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script reads it
  await page.reload();
  await expect(page.getByTestId('connection-screen').or(page.getByTestId('new-agent'))).toBeVisible();
});

test('browser mode refuses a page opened without the access token', async ({ page }) => {
  const bare = served.url.replace(/\?token=.*/, '');
  const response = await page.goto(bare);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('access token');
});
