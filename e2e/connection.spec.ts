import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketProxy } from '../electron/test-support/proxy.js';
import { dropProject, incus, startServe, throwawayProject, type Served } from './support.js';
import { card } from './page.js';

// A daemon that is missing, then appears, then goes away and comes back: played by a proxy in
// front of the real socket, so the real daemon and its agents are never disturbed.
const dir = mkdtempSync(join(tmpdir(), 'enclave-e2e-sock-'));
const proxy = new SocketProxy(join(dir, 'unix.socket'), process.env.INCUS_SOCKET || '/var/lib/incus/unix.socket');
// A project of its own: whether the grid has cards decides what an outage shows, so agents
// other specs leave behind must not be in it.
const project = throwawayProject('enclave-e2e-conn');
let served: Served;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  served = await startServe({ INCUS_SOCKET: proxy.path, ENCLAVE_PROJECT: project });
});

test.afterAll(async () => {
  served?.child.kill('SIGTERM');
  await proxy.cut();
  rmSync(dir, { recursive: true, force: true });
  await dropProject(project);
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

  // The daemon goes away while the page is open, then comes back: no reload needed. With no
  // card known there is nothing to keep: the connection screen says it alone.
  await proxy.cut();
  await expect(screen).toBeVisible({ timeout: 10_000 });
  await proxy.start();
  await expect(page.getByTestId('new-agent')).toBeVisible({ timeout: 10_000 });
});

test('an outage keeps the cards, greyed and dated, under the outage panel; they come back live with Incus', async ({ page }) => {
  if (!proxy.listening) await proxy.start();
  await page.goto(served.url);
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('outage-kept');
  await page.getByTestId('create-agent').click();
  const kept = card(page, 'outage-kept');
  await expect(kept).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  // Another client's agent, which it deletes while Enclave cannot see Incus.
  await incus(project, 'init', 'enclave-agent', 'outage-gone');
  await expect(card(page, 'outage-gone')).toBeVisible();
  await kept.locator('[data-action="terminal"]').click();
  const term = page.locator('[data-testid="terminal"][data-agent="outage-kept"][data-kind="agent"]');
  await expect(term).toHaveAttribute('data-state', 'open');
  const termId = (await term.getAttribute('data-terminal-id')) ?? '';
  await term.locator('.xterm').click();
  await page.keyboard.type('echo before-$((40+2))');
  await page.keyboard.press('Enter');
  const screenText = () =>
    page.evaluate((id) => (window as unknown as { __enclaveTerminalText(id: string): string }).__enclaveTerminalText(id), termId);
  await expect.poll(screenText).toContain('before-42');

  await proxy.cut();
  const panel = page.getByTestId('outage-panel');
  await expect(panel).toBeVisible({ timeout: 10_000 });
  await expect(panel).toContainText('Incus unavailable since');
  await expect(panel).toContainText(proxy.path);
  await expect(page.getByTestId('connection-screen')).toHaveCount(0);
  await expect(kept).toHaveAttribute('data-stale', 'true');
  await expect(kept.getByTestId('stale-note')).toContainText('Incus unavailable since');
  // The panel sits above the grid, not in place of it.
  const panelBox = await panel.boundingBox();
  const cardBox = await kept.boundingBox();
  expect(panelBox && cardBox && panelBox.y + panelBox.height <= cardBox.y).toBe(true);
  // The last known state, its actions that need Incus disabled and saying why, no live graph.
  await expect(kept.locator('.status')).toContainText('Running');
  for (const action of ['stop', 'restart', 'freeze', 'delete', 'terminal', 'shell', 'snapshot', 'clone']) {
    await expect(kept.locator(`[data-action="${action}"]`)).toBeDisabled();
    await expect(kept.locator(`[data-action="${action}"]`)).toHaveAttribute('title', /Needs Incus/);
  }
  await expect(kept.getByTestId('card-graphs-paused')).toContainText('Usage paused');
  // The time since is relative and moves on.
  const note = kept.getByTestId('stale-note');
  const noted = (await note.textContent()) ?? '';
  await expect(note).not.toHaveText(noted);
  // The terminal tab stays, with its output, marked as disconnected.
  await expect(page.getByTestId('terminal-reconnecting')).toBeVisible();
  expect(await screenText()).toContain('before-42');

  // Deleted meanwhile by another client: still shown (Enclave cannot know yet).
  await incus(project, 'delete', '--force', 'outage-gone');
  // A reload during the outage gets the same last known cards from the backend.
  await page.reload();
  await expect(page.getByTestId('outage-panel')).toBeVisible();
  await expect(kept).toHaveAttribute('data-stale', 'true');
  await expect(card(page, 'outage-gone')).toHaveAttribute('data-stale', 'true');
  await expect(term).toBeVisible();
  await expect.poll(screenText).toContain('before-42');

  await proxy.start();
  await expect(panel).toHaveCount(0, { timeout: 15_000 });
  await expect(kept).not.toHaveAttribute('data-stale');
  await expect(kept).toHaveAttribute('data-status', 'Running');
  await expect(kept.locator('.status')).toContainText('Running');
  for (const action of ['stop', 'restart', 'freeze', 'terminal', 'shell', 'snapshot', 'clone']) {
    await expect(kept.locator(`[data-action="${action}"]`)).toBeEnabled();
  }
  await expect(kept.getByTestId('card-graphs-paused')).toHaveCount(0);
  // Reconciled with Incus: the agent deleted meanwhile goes now.
  await expect(card(page, 'outage-gone')).toHaveCount(0);
  // The terminal attaches again; what ran before is still there.
  await expect(term).toHaveAttribute('data-state', 'open', { timeout: 15_000 });
  await expect(page.getByTestId('terminal-reconnecting')).toHaveCount(0);
  await term.locator('.xterm').click();
  await page.keyboard.type('echo after-$((40+3))');
  await page.keyboard.press('Enter');
  await expect.poll(screenText).toContain('after-43');
  expect(await screenText()).toContain('before-42');
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
