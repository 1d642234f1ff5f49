import { expect, test, type Page } from '@playwright/test';
import { incus } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

async function createAgent(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill(name);
  await page.getByTestId('create-agent').click();
  await expect(card(page, name)).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  // The wizard closes once the agent is ready, having opened (and focused) its terminal.
  await expect(page.getByTestId('new-agent-dialog')).toHaveCount(0, { timeout: 60_000 });
  await expect(terminal(page, name, 'agent')).toHaveAttribute('data-state', 'open');
}

test.describe.configure({ mode: 'serial' });

test('type into an agent terminal; after a reload the agent still runs and its output is back', async ({ page }) => {
  await page.goto(url());
  await createAgent(page, 'term-one');
  await card(page, 'term-one').locator('[data-action="terminal"]').click();
  const view = terminal(page, 'term-one', 'agent');
  await expect(view).toHaveAttribute('data-state', 'open');
  const id = (await view.getAttribute('data-terminal-id')) ?? '';

  await typeInto(page, 'term-one', 'agent', 'echo hello-$((6*7)); sleep 9876 &');
  await expect.poll(() => screenText(page, id)).toContain('hello-42');

  await page.reload();
  const again = page.locator(`[data-testid="terminal"][data-terminal-id="${id}"]`);
  await expect(again).toHaveAttribute('data-state', 'open');
  await expect.poll(() => screenText(page, id)).toContain('hello-42');
  await expect(card(page, 'term-one')).toHaveAttribute('data-status', 'Running');
  // The agent's tmux session and what runs in it survived the window going away.
  expect(await incus(project(), 'exec', 'term-one', '--', 'tmux', 'has-session', '-t', 'agent')).toBe('');
  expect(await incus(project(), 'exec', 'term-one', '--', 'pgrep', '-f', 'sleep 9876')).toMatch(/\d+/);

  await typeInto(page, 'term-one', 'agent', 'echo after-$((40+2))');
  await expect.poll(() => screenText(page, id)).toContain('after-42');
});

test('Ctrl-b d in the agent tab detaches tmux and attaches again: the tab stays on the agent', async ({ page }) => {
  await page.goto(url());
  const view = terminal(page, 'term-one', 'agent');
  if (!(await view.count())) await card(page, 'term-one').locator('[data-action="terminal"]').click();
  await expect(view).toHaveAttribute('data-state', 'open');
  const id = (await view.getAttribute('data-terminal-id')) ?? '';
  await typeInto(page, 'term-one', 'agent', 'MARK=kept-$((20+1))');
  await expect.poll(() => screenText(page, id)).toContain('MARK=kept');
  // The tab's tmux client, by its pid: a detach and a new attach change it.
  const client = async () => (await incus(project(), 'exec', 'term-one', '--', 'tmux', 'list-clients', '-F', '#{client_pid}')).trim();
  const before = await client();
  expect(before).toMatch(/^\d+$/);
  await view.locator('.xterm').click();
  await page.keyboard.press('Control+b');
  await page.keyboard.press('d');
  await expect.poll(client, { timeout: 10_000 }).toMatch(/^\d+$/);
  await expect.poll(client, { timeout: 10_000 }).not.toBe(before);
  await expect(view).toHaveAttribute('data-state', 'open');
  await typeInto(page, 'term-one', 'agent', 'echo "got $MARK"');
  await expect.poll(() => screenText(page, id)).toContain('got kept-21');
});

test('a flood in one terminal leaves other cards usable, and Ctrl-C stops it', async ({ page }) => {
  await page.goto(url());
  await incus(project(), 'launch', 'enclave-agent', 'bystander');
  await expect(card(page, 'bystander')).toHaveAttribute('data-status', 'Running');

  await card(page, 'term-one').locator('[data-action="shell"]').click();
  const shell = terminal(page, 'term-one', 'shell').first();
  await expect(shell).toHaveAttribute('data-state', 'open');
  const id = (await shell.getAttribute('data-terminal-id')) ?? '';
  await typeInto(page, 'term-one', 'shell', 'yes flood-line');
  await expect.poll(() => screenText(page, id)).toContain('flood-line');

  // While the flood runs, another card still answers clicks.
  await card(page, 'bystander').locator('[data-action="stop"]').click();
  await expect(card(page, 'bystander')).toHaveAttribute('data-status', 'Stopped', { timeout: 30_000 });

  await shell.locator('.xterm').click();
  await page.keyboard.press('Control+C');
  await page.keyboard.type('echo calm-$((20+22))');
  await page.keyboard.press('Enter');
  // The shell runs the next command only once ^C ended the flood: its output (computed, so not
  // the typed echo) shows the flood stopped. How fast is bench:terminal's business.
  await expect.poll(() => screenText(page, id), { timeout: 15_000 }).toContain('calm-42');
  await incus(project(), 'delete', '--force', 'bystander');
});

const tab = (page: Page, agent: string, kind: 'agent' | 'shell') =>
  page.locator(`[data-testid="terminal-tab"][data-agent="${agent}"][data-kind="${kind}"]`).first();

test('the active tab is kept across a reload, though it is not the first', async ({ page }) => {
  await page.goto(url());
  // A fresh window shows the first tab (the agent's); pick the shell, which comes after it.
  await tab(page, 'term-one', 'shell').click();
  await expect(tab(page, 'term-one', 'shell')).toHaveAttribute('aria-selected', 'true');
  await page.reload();
  await expect(tab(page, 'term-one', 'shell')).toHaveAttribute('aria-selected', 'true');
  await expect(tab(page, 'term-one', 'agent')).toHaveAttribute('aria-selected', 'false');
  await expect(terminal(page, 'term-one', 'shell')).toBeVisible();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * A toast from an action taken while a terminal shows (the snapshot shortcut): inside the
 * window, clear of everything `clearOf` selects.
 */
async function expectToastClear(page: Page, toastId: string, clearOf: string): Promise<void> {
  await page.keyboard.press('Control+Shift+S');
  const toast = page.getByTestId(toastId).last();
  await expect(toast).toBeVisible();
  const box = await toast.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport).toBeTruthy();
  if (!box || !viewport) return;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  for (const other of await page.locator(clearOf).all()) {
    const covered = await other.boundingBox();
    if (covered) expect(overlaps(box, covered), `toast ${JSON.stringify(box)} over ${clearOf} ${JSON.stringify(covered)}`).toBe(false);
  }
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toBeHidden();
}

test('toasts cover no terminal: dock open, dock maximized, agent view open', async ({ page }) => {
  await page.goto(url());
  // Sessions of earlier specs may be listed first: show this one's.
  await tab(page, 'term-one', 'agent').click();
  await expect(terminal(page, 'term-one', 'agent')).toHaveAttribute('data-state', 'open');
  // The snapshot shortcut with nothing focused only explains itself, in a toast.
  await page.locator('.brand-name').click();
  await expectToastClear(page, 'toast', '[data-testid="terminal-dock"]');

  await page.getByTestId('dock-maximize').click();
  await page.locator('.brand-name').click();
  // Over the header then, but not over its buttons.
  await expectToastClear(page, 'toast', '[data-testid="terminal"], .header-tools button');
  await page.getByTestId('dock-maximize').click();

  await card(page, 'term-one').locator('[data-action="open-view"]').click();
  await expect(page.getByTestId('agent-view')).toBeVisible();
  await page.getByTestId('agent-view').click({ position: { x: 5, y: 5 } });
  await expectToastClear(page, 'snapshot-done', '[data-testid="terminal-dock"]');
});

test('a hidden tmux tab gets the new-output dot from real output, never from a status line redraw', async ({ page }) => {
  await page.goto(url());
  // Sessions of earlier specs may be listed first: show this one's.
  await tab(page, 'term-one', 'agent').click();
  const agentView = terminal(page, 'term-one', 'agent');
  await expect(agentView).toHaveAttribute('data-state', 'open');
  const id = (await agentView.getAttribute('data-terminal-id')) ?? '';
  // A clock in the status line that tmux redraws every second.
  await incus(project(), 'exec', 'term-one', '--', 'tmux', 'set', '-g', 'status-interval', '1');
  await incus(project(), 'exec', 'term-one', '--', 'tmux', 'set', '-g', 'status-right', 'clock %H:%M:%S');
  const statusLine = async () => (await screenText(page, id)).split('\n').findLast((line) => line.includes('clock ')) ?? '';
  await expect.poll(statusLine).toMatch(/clock \d\d:\d\d:\d\d/);

  await tab(page, 'term-one', 'shell').click();
  await expect(agentView).toHaveCount(0);
  const dot = tab(page, 'term-one', 'agent').locator('.term-tab-activity');
  // Three redraws reach the hidden tab's xterm, and none lights the dot.
  const seen = new Set([await statusLine()]);
  await expect.poll(async () => seen.add(await statusLine()).size, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  await expect(dot).toHaveCount(0);

  await incus(project(), 'exec', 'term-one', '--', 'tmux', 'send-keys', '-t', 'agent', 'echo real-$((3*3))', 'Enter');
  await expect.poll(() => screenText(page, id)).toContain('real-9');
  await expect(dot).toBeVisible();
  await tab(page, 'term-one', 'agent').click();
  await expect(tab(page, 'term-one', 'agent').locator('.term-tab-activity')).toHaveCount(0);
});

test('screen reader mode puts the terminal text in the accessibility tree, live and kept', async ({ page }) => {
  await page.goto(url());
  // Sessions of earlier specs may be listed first: show this one's.
  await tab(page, 'term-one', 'agent').click();
  const view = terminal(page, 'term-one', 'agent');
  await expect(view).toHaveAttribute('data-state', 'open');
  await typeInto(page, 'term-one', 'agent', 'echo before-$((2*4))');
  await expect(view.locator('.xterm-accessibility-tree')).toHaveCount(0);

  await page.getByTestId('terminal-settings').click();
  await page.getByTestId('terminal-screen-reader').check();
  await page.keyboard.press('Escape');
  // The open terminal switches at once: what it already shows is readable, and new output too.
  const rows = view.getByRole('list').getByRole('listitem');
  await expect(rows.filter({ hasText: 'before-8' }).first()).toBeAttached();
  await typeInto(page, 'term-one', 'agent', 'echo after-$((3*4))');
  await expect(rows.filter({ hasText: 'after-12' }).first()).toBeAttached();

  await page.reload();
  await expect(view.locator('.xterm-accessibility-tree')).toHaveCount(1);
  await page.getByTestId('terminal-settings').click();
  await expect(page.getByTestId('terminal-screen-reader')).toBeChecked();
  await page.getByTestId('terminal-screen-reader').uncheck();
  await expect(view.locator('.xterm-accessibility-tree')).toHaveCount(0);
});
