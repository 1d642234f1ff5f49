import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { installFakeBackend, serveStatic } from '../scripts/changes-fixture.mjs';
import { root } from './support.js';

/**
 * The Changes panel and the review gate's dialogs against the fixture backend of
 * scripts/changes-fixture.mjs (the whole flow against real agents is another spec's):
 * what the panel draws, what it sends as reviewed, and how it answers each refusal.
 */
let site: { url: string; close(): Promise<void> };
test.beforeAll(async () => {
  site = await serveStatic(join(root, 'dist', 'renderer'));
});
test.afterAll(async () => {
  await site.close();
});

async function openPanel(page: Page, agent: string, files = 40) {
  await page.addInitScript(installFakeBackend, { files, now: Date.now() });
  await page.goto(site.url);
  await page.locator(`[data-testid="agent-card"][data-agent="${agent}"] [data-action="open-view"]`).click();
  const panel = page.locator(`[data-testid="agent-view"][data-agent="${agent}"] [data-testid="changes-panel"]`);
  await expect(panel).toBeVisible();
  return panel;
}

/** The calls the page made to the fixture, by method. */
async function calls(page: Page, method: string): Promise<unknown[]> {
  return page.evaluate((m) => (window as unknown as { __calls: { method: string; args: unknown }[] }).__calls.filter((c) => c.method === m).map((c) => c.args), method);
}

test.beforeEach(async ({ page }) => {
  // Records every call, before the fixture's bridge is installed over it.
  await page.addInitScript(() => {
    const w = window as unknown as { __calls: { method: string; args: unknown }[]; enclave?: { call(m: string, a: unknown): Promise<unknown> } };
    w.__calls = [];
    let inner: typeof w.enclave;
    Object.defineProperty(window, 'enclave', {
      configurable: true,
      get: () => (inner ? { ...inner, call: (m: string, a: unknown) => (w.__calls.push({ method: m, args: a }), inner?.call(m, a)) } : undefined),
      set: (value: typeof w.enclave) => {
        inner = value;
      },
    });
  });
});

test('1,000 changed files: only the rows on screen are drawn, and the keyboard walks the list with the diff following', async ({ page }) => {
  const panel = await openPanel(page, 'web', 1000);
  const list = panel.getByTestId('changed-files');
  await expect(list).toHaveAttribute('data-count', '1000');
  expect(await list.locator('[role="option"]').count()).toBeLessThan(60);
  await expect(panel.getByTestId('file-diff')).toHaveAttribute('data-path', 'src/cart/checkout.ts');
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect(panel.getByTestId('file-diff')).toHaveAttribute('data-path', 'src/cart/price-rules.ts');
  await page.keyboard.press('End');
  await expect(list.locator('[role="option"][aria-selected="true"]')).toHaveAttribute('data-index', '999');
  await expect(panel.getByTestId('file-diff')).toHaveAttribute('data-path', /part-999\.ts$/);
});

test('binary files say their sizes; a cut side says so; big diffs wait for a click and are drawn cut', async ({ page }) => {
  const panel = await openPanel(page, 'web');
  await panel.locator('[data-testid="changed-file"][data-path="assets/logo.png"]').click();
  await expect(panel.getByTestId('diff-binary')).toHaveText('Binary file, 17.8 KiB → 21.4 KiB');
  await panel.locator('[data-testid="changed-file"][data-path="generated/schema.json"]').click();
  await expect(panel.getByTestId('diff-truncated')).toContainText('The new side is cut at 1 MiB');
  await expect(panel.getByTestId('diff-text')).toHaveCount(0);
  await panel.locator('[data-action="draw-big"]').click();
  await expect(panel.getByTestId('diff-text')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('diff-cut')).toContainText('Showing the first');
});

test('the layout is a preference that survives a reload', async ({ page }) => {
  const panel = await openPanel(page, 'web');
  await expect(panel.getByTestId('diff-text')).toHaveAttribute('data-layout', 'split');
  await panel.locator('[data-layout="unified"]').click();
  await expect(panel.getByTestId('diff-text')).toHaveAttribute('data-layout', 'unified');
  await page.reload();
  await page.locator('[data-testid="agent-card"][data-agent="web"] [data-action="open-view"]').click();
  await expect(page.getByTestId('diff-text')).toHaveAttribute('data-layout', 'unified');
});

test('Fetch as branch sends what was reviewed and the edited message, shows what came back, and the timeline marks it', async ({ page }) => {
  const panel = await openPanel(page, 'web');
  const fingerprint = await panel.getAttribute('data-fingerprint');
  const before = await page.locator('[data-testid="timeline-event"][data-kind="brought-back"]').count();
  await panel.locator('[data-action="fetch-branch"]').click();
  const dialog = page.getByTestId('bring-back-dialog');
  await expect(dialog.getByTestId('gate-steps')).toContainText('3 uncommitted files are first committed inside the agent, on its branch enclave/web');
  await dialog.getByTestId('gate-message').fill('');
  await expect(dialog.getByTestId('gate-confirm')).toBeDisabled();
  await dialog.getByTestId('gate-message').fill('Basket and price rules');
  await dialog.getByTestId('gate-confirm').click();
  await expect(dialog.getByTestId('gate-result')).toContainText('Your repository now has branch enclave/web at');
  const sent = (await calls(page, 'workspace.fetch')) as Record<string, unknown>[];
  expect(sent).toEqual([{ agent: 'web', as: 'branch', reviewed: fingerprint, head: expect.stringMatching(/^[0-9a-f]{40}$/), message: 'Basket and price rules' }]);
  await dialog.getByTestId('cancel').click();
  await expect(page.locator('[data-testid="timeline-event"][data-kind="brought-back"]')).toHaveCount(before + 1);
});

test('work that changed since the review is not brought back: the dialog says so and the list is read again', async ({ page }) => {
  const panel = await openPanel(page, 'web');
  await panel.locator('[data-action="apply-patch"]').click();
  const dialog = page.getByTestId('bring-back-dialog');
  const reads = (await calls(page, 'workspace.changes')).length;
  // The agent works on while the dialog is open.
  await page.evaluate(() => {
    const f = (window as unknown as { __fixture: { changes: Record<string, { fingerprint: string }> } }).__fixture;
    const web = f.changes.web;
    if (web) web.fingerprint = 'e'.repeat(64);
  });
  await dialog.getByTestId('gate-confirm').click();
  await expect(dialog.getByTestId('gate-changed')).toContainText('changed since you reviewed it: nothing was brought back');
  await expect.poll(async () => (await calls(page, 'workspace.changes')).length).toBeGreaterThan(reads);
  await expect(panel).toHaveAttribute('data-fingerprint', 'e'.repeat(64));
});

test('a rewritten history asks for an explicit Replace, and only that sends force', async ({ page }) => {
  const panel = await openPanel(page, 'rewrite');
  await expect(panel.getByTestId('changes-note')).toContainText('The agent rewrote its history');
  await expect(panel.locator('[data-action="apply-patch"]')).toBeDisabled();
  await panel.locator('[data-action="fetch-branch"]').click();
  const dialog = page.getByTestId('bring-back-dialog');
  await expect(dialog.getByTestId('gate-replace')).toContainText('replaces enclave/rewrite in your repository');
  await expect(dialog.getByTestId('gate-confirm')).toHaveCount(0);
  await dialog.getByTestId('gate-replace-confirm').click();
  await expect(dialog.getByTestId('gate-result')).toContainText('It replaced the branch’s previous commit');
  const sent = (await calls(page, 'workspace.fetch')) as Record<string, unknown>[];
  expect(sent.map((s) => s.force)).toEqual([true]);
});

test('a mount, a stopped agent and an agent without a project say why there is no gate', async ({ page }) => {
  const docs = await openPanel(page, 'docs');
  await expect(docs.getByTestId('gate-reason')).toHaveText('Your folder is mounted live: the files are already on your computer.');
  await expect(docs.locator('[data-action="fetch-branch"]')).toBeDisabled();
  await page.locator('[data-testid="agent-card"][data-agent="legacy"] [data-action="open-view"]').click();
  const legacy = page.locator('[data-testid="agent-view"][data-agent="legacy"] [data-testid="changes-panel"]');
  await expect(legacy.getByTestId('changes-note')).toContainText('The agent is not running');
  await page.locator('[data-testid="agent-card"][data-agent="bare"] [data-action="open-view"]').click();
  const bare = page.locator('[data-testid="agent-view"][data-agent="bare"] [data-testid="changes-panel"]');
  await expect(bare).toContainText('No project in this agent.');
  await expect(bare.locator('[data-action="add-project"]')).toBeEnabled();
  expect(await calls(page, 'workspace.changes')).not.toContainEqual({ agent: 'bare' });
});

test('compare lists who changed what and diffs one agent’s file against the other’s', async ({ page }) => {
  const panel = await openPanel(page, 'web');
  await panel.getByTestId('compare-with').selectOption('api');
  const view = page.getByTestId('compare-view');
  await expect(view.getByTestId('compare-summary')).toContainText('2 only in api');
  // The list is windowed: the last files (api's own) are drawn once scrolled to.
  await view.getByTestId('compare-files').focus();
  await page.keyboard.press('End');
  await expect(view.locator('[data-testid="compared-file"][data-path="src/api/auth.ts"]')).toHaveAttribute('data-group', 'only-b');
  await expect(view.getByTestId('file-diff')).toHaveAttribute('data-path', 'src/api/auth.ts');
  await expect(view.getByTestId('diff-text')).toBeVisible();
  expect(await calls(page, 'workspace.fileDiff')).toContainEqual(expect.objectContaining({ agent: 'web', against: 'api' }));
});
