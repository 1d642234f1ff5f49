import { expect, test, type Page } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const card = (page: Page, name: string) => page.locator(`[data-testid="agent-card"][data-agent="${name}"]`);
const terminal = (page: Page, agent: string, kind: 'agent' | 'shell') =>
  page.locator(`[data-testid="terminal"][data-agent="${agent}"][data-kind="${kind}"]`);

/** The terminal's buffer as text, whatever renderer xterm chose (WebGL, DOM). */
async function screenText(page: Page, id: string): Promise<string> {
  return page.evaluate((tid) => (window as unknown as { __enclaveTerminalText(id: string): string }).__enclaveTerminalText(tid), id);
}

async function typeInto(page: Page, agent: string, kind: 'agent' | 'shell', text: string): Promise<void> {
  await terminal(page, agent, kind).locator('.xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function createAgent(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('agent-name').fill(name);
  await page.getByTestId('create-agent').click();
  await expect(card(page, name)).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
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
