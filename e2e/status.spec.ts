import { expect, test, type Page } from '@playwright/test';
import type { AgentTemplate } from '../shared/templates.js';
import { TEST_AGENT_COMMAND } from '../electron/test-support/test-agent.js';
import { incus } from './support.js';
import { card, screenText } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const runBadge = (page: Page, name: string) => card(page, name).getByTestId('run-status');

const AGENT = 'status-e2e-1';
const SHELL = 'status-e2e-shell';
const SECRET = 'STATUS_E2E_TOKEN';
const VALUE = `tok-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
const template: AgentTemplate = {
  id: 'status-e2e',
  name: 'Status e2e agent',
  description: 'The test agent CLI',
  image: 'enclave-agent',
  installs: [],
  command: TEST_AGENT_COMMAND,
  env: {},
  secrets: [{ anyOf: [SECRET], optional: false, help: '' }],
  namePrefix: 'status-e2e',
  limits: { cpu: '1', memory: '512MiB', processes: '', disk: '' },
  network: { mode: 'none', allow: [], ingress: '', egress: '' },
  status: 'tmux',
};

/** A request through the page's own bridge (window.enclave), as the UI makes it. */
async function call<T>(page: Page, method: string, args: unknown): Promise<T> {
  return page.evaluate(
    async ([m, a]) => {
      const bridge = (window as unknown as { enclave: { call(m: string, a: unknown): Promise<{ ok: boolean; result?: unknown; error?: { message: string } }> } }).enclave;
      const reply = await bridge.call(m as string, a);
      if (!reply.ok) throw new Error(reply.error?.message ?? 'failed');
      return reply.result;
    },
    [method, args] as const,
  ) as Promise<T>;
}

/** The notifications the page constructed (an init script wraps window.Notification). */
async function notices(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(() => (window as unknown as { __notices: { title: string; body: string; tag: string }[] }).__notices);
}

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['notifications'], { origin: new URL(url()).origin });
  await context.addInitScript(() => {
    const Real = window.Notification;
    const seen: { title: string; body: string; tag: string }[] = [];
    (window as unknown as { __notices: typeof seen }).__notices = seen;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        seen.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
        super(title, options);
      }
    }
    window.Notification = Recorded;
  });
});

test('a template agent: secret from Settings, working → waiting (notified) → answer → working → exited 3 → Restart command', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(url());
  await call(page, 'templates.save', { template });
  // The Shell template (a login shell, no command): its run status is idle at the prompt.
  await call(page, 'agents.create', { name: SHELL, template: 'shell' });

  // The template needs its secret: create is refused, naming it.
  await expect(call(page, 'agents.create', { name: AGENT, template: template.id })).rejects.toThrow(new RegExp(SECRET));

  // Settings → Secrets: the storage note is in view; the value is sent once and never shown.
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-tab-secrets').click();
  const note = page.getByTestId('secrets-storage');
  await expect(note).toBeVisible();
  await expect(note).toHaveAttribute('data-encrypted', 'false');
  await expect(note).toContainText('Not encrypted');
  await page.getByTestId('secret-name').fill(SECRET);
  await page.getByTestId('secret-value').fill(VALUE);
  await page.getByTestId('secret-save').click();
  const row = page.locator(`[data-testid="secret-row"][data-name="${SECRET}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('saved just now');
  await expect(page.getByTestId('secret-value')).toHaveValue('');
  expect(await page.content()).not.toContain(VALUE);
  expect(await page.evaluate((v) => [...document.querySelectorAll('input')].some((i) => i.value.includes(v)), VALUE)).toBe(false);
  expect(await page.evaluate((v) => JSON.stringify({ ...localStorage }).includes(v) || JSON.stringify({ ...sessionStorage }).includes(v), VALUE)).toBe(
    false,
  );
  await page.getByRole('button', { name: 'Cancel' }).click();

  await call(page, 'agents.create', { name: AGENT, template: template.id });
  await expect(card(page, AGENT)).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'working', { timeout: 20_000 });
  await expect(runBadge(page, AGENT)).toHaveText('Working');
  await expect(runBadge(page, AGENT)).toHaveAttribute('title', /^Working since .*, read from its tmux pane$/);
  await expect(card(page, AGENT).getByTestId('run-command')).toHaveText('bash');
  // The shell agent (no template command) is idle at its prompt.
  await expect(runBadge(page, SHELL)).toHaveAttribute('data-state', 'idle', { timeout: 20_000 });

  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 });
  await expect(runBadge(page, AGENT)).toHaveText('Waiting for input');
  await expect.poll(() => notices(page)).toEqual([
    { title: `Enclave: ${AGENT} is waiting`, body: expect.stringContaining(`${AGENT} is waiting for your input`) as unknown as string, tag: `enclave-waiting-${AGENT}` },
  ]);

  // Filter by status: only the waiting agent; kept over a reload (sessionStorage).
  await page.getByTestId('grid-filter').selectOption('waiting');
  await expect(page.getByTestId('agent-card')).toHaveCount(1);
  await expect(card(page, AGENT)).toBeVisible();
  await expect(page.getByTestId('grid-filter-note')).toContainText('1 of');
  await page.reload();
  await expect(page.getByTestId('grid-filter')).toHaveValue('waiting');
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('agent-card')).toHaveCount(1);
  // Seen for the first time after the reload: not announced again (two status rounds pass).
  await page.waitForTimeout(5_000);
  expect(await notices(page)).toEqual([]);
  await page.getByTestId('grid-filter').selectOption('all');
  await expect(card(page, SHELL)).toBeVisible();

  // Sort by status: the waiting agent first.
  await page.getByTestId('grid-sort').selectOption('status');
  await expect(page.getByTestId('agent-card').first()).toHaveAttribute('data-agent', AGENT);
  await page.getByTestId('grid-sort').selectOption('name');

  // Answer in the agent's terminal, through the real xterm.
  await card(page, AGENT).locator('[data-action="terminal"]').click();
  const view = page.locator(`[data-testid="terminal"][data-agent="${AGENT}"][data-kind="agent"]`);
  await expect(view).toHaveAttribute('data-state', 'open');
  const id = (await view.getAttribute('data-terminal-id')) ?? '';
  await expect.poll(() => screenText(page, id)).toContain('proceed? [y/n]');
  await view.locator('.xterm').click();
  await page.keyboard.type('y');
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(page, id)).toContain('test-agent: got y');
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'working', { timeout: 15_000 });

  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'exited', { timeout: 30_000 });
  // tmux sometimes keeps a dead pane without its exit status (pane_dead_status empty; seen here
  // in about one run in three): the status reader then takes the code from the exit file the
  // session's wrapper writes (/run/enclave/exit), so the badge names the code either way.
  const tmuxStatus = (await incus(project(), 'exec', AGENT, '--', 'tmux', 'display-message', '-p', '-t', '=agent:0.0', '#{pane_dead_status}')).trim();
  if (tmuxStatus === '') test.info().annotations.push({ type: 'warning', description: 'tmux kept no exit status for the dead pane' });
  else expect(tmuxStatus).toBe('3');
  await expect(runBadge(page, AGENT)).toHaveText('Exited 3');
  const restart = card(page, AGENT).locator('[data-action="restart-command"]');
  await expect(restart).toHaveText('Restart command');

  // Notifications off for this agent: stored on the instance, and the next wait stays quiet.
  const toggle = card(page, AGENT).locator('[data-action="toggle-notify"]');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect((await incus(project(), 'config', 'get', AGENT, 'user.enclave.notify')).trim()).toBe('off');

  await restart.click();
  await expect(restart).toHaveCount(0);
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'working', { timeout: 15_000 });
  await expect.poll(async () => (await screenText(page, id)).split('test-agent: starting').length - 1, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 });
  expect(await notices(page)).toEqual([]);

  // On again: the agent's next wait is announced.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect((await incus(project(), 'config', 'get', AGENT, 'user.enclave.notify')).trim()).toBe('on');
  await view.locator('.xterm').click();
  await page.keyboard.type('n');
  await page.keyboard.press('Enter');
  await expect(runBadge(page, AGENT)).toHaveAttribute('data-state', 'exited', { timeout: 30_000 });
});

test('the secret can be deleted from Settings, after a confirmation', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-tab-secrets').click();
  const row = page.locator(`[data-testid="secret-row"][data-name="${SECRET}"]`);
  await row.locator('[data-action="delete-secret"]').click();
  await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
  await expect(row).toHaveCount(0);
  await expect(call(page, 'agents.create', { name: 'status-e2e-2', template: template.id })).rejects.toThrow(new RegExp(SECRET));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await call(page, 'agents.delete', { name: AGENT });
  await call(page, 'agents.delete', { name: SHELL });
  await call(page, 'templates.delete', { id: template.id });
});

test('the browser asks for notification permission once, on the first click, never on load', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const counter = { asked: 0 };
    (window as unknown as { __asked: typeof counter }).__asked = counter;
    Object.defineProperty(Notification, 'permission', { get: () => 'default' });
    Notification.requestPermission = () => {
      counter.asked += 1;
      return Promise.resolve('default');
    };
  });
  const page = await context.newPage();
  const asked = () => page.evaluate(() => (window as unknown as { __asked: { asked: number } }).__asked.asked);
  try {
    await page.goto(url());
    await expect(page.getByTestId('new-agent').first()).toBeVisible();
    expect(await asked()).toBe(0);
    await page.getByTestId('settings-open').click();
    expect(await asked()).toBe(1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('settings-open').click();
    expect(await asked()).toBe(1);
    // Remembered in this browser: a new page load does not ask again.
    await page.reload();
    await expect(page.getByTestId('new-agent').first()).toBeVisible();
    await page.getByTestId('settings-open').click();
    expect(await asked()).toBe(0);
  } finally {
    await context.close();
  }
});
