import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { SpareIncusd, spareIncusdSkipReason } from '../electron/test-support/spare-incusd.js';
import { incus } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

/**
 * Many servers against the real thing: the suite's backend and a second real incusd on
 * 127.0.0.1, added in Settings → Servers with a trust token, an agent made there by the
 * wizard and typed into, the daemon killed and started again, the server removed.
 * With ENCLAVE_SHOTS=DIR it also saves light and dark screenshots of those views in DIR.
 */
const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const SERVER = 'lab';
const REMOTE_AGENT = 'lab-shell';
const LOCAL_AGENT = 'here-shell';
const ref = `${SERVER}:${REMOTE_AGENT}`;

const skipReason = spareIncusdSkipReason();
let spare: SpareIncusd | null = null;
let address = '';

const section = (page: Page, server: string) => page.locator(`[data-testid="server-section"][data-server="${server}"]`);
const entry = (page: Page, server: string) => page.locator(`[data-testid="server-entry"][data-server="${server}"]`);

test.describe.configure({ mode: 'serial' });
test.skip(skipReason !== null, skipReason ?? '');

test.beforeAll(async () => {
  spare = await SpareIncusd.create({ poolSize: '2GiB' });
  address = (await spare.listenHttps()).address;
});

test.afterAll(async ({ browser }) => {
  // The backend is shared by the specs after this one: a server left in it would add a section to their grids.
  await removeServerIfListed(browser).catch(() => undefined);
  await incus(project(), 'delete', '--force', LOCAL_AGENT).catch(() => undefined);
  await spare?.destroy();
  spare = null;
});

function daemon(): SpareIncusd {
  if (!spare) throw new Error('no spare incusd');
  return spare;
}

test.beforeEach(async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('new-agent').first()).toBeVisible();
});

async function openServers(page: Page): Promise<void> {
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-tab-servers').click();
  await expect(page.getByTestId('server-list')).toBeVisible();
}

async function closeSettings(page: Page): Promise<void> {
  // Its Cancel, not Escape: a terminal closing behind the dialog (the removed server's) takes the focus.
  await page.getByTestId('settings-dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
}

async function removeServerIfListed(browser: Browser): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(url());
    await openServers(page);
    await expect(entry(page, 'local')).toBeVisible();
    for (const name of [SERVER, `${SERVER}-wrong`]) {
      if ((await entry(page, name).count()) === 0) continue;
      await entry(page, name).locator('[data-action="remove-server"]').click();
      await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
      await expect(entry(page, name)).toHaveCount(0);
    }
  } finally {
    await page.close();
  }
}

/** A token that names another server's certificate: the same token with its fingerprint changed. */
function tokenForAnotherServer(token: string): string {
  const fields = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
  fields.fingerprint = 'ab'.repeat(32);
  return Buffer.from(JSON.stringify(fields)).toString('base64');
}

/**
 * Light and dark of what the page shows now, when ENCLAVE_SHOTS names a folder. The theme
 * follows the system's until the header's toggle is used (a fresh context per test has no
 * choice saved), so it is switched as the system would: open dialogs stay as they are.
 */
async function shoot(page: Page, name: string, height?: number): Promise<void> {
  const dir = process.env.ENCLAVE_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const size = page.viewportSize();
  // A grid of two sections is taller than the suite's window.
  if (size && height) await page.setViewportSize({ width: size.width, height });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.screenshot({ path: join(dir, `${name}-${theme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (size && height) await page.setViewportSize(size);
}

test('a server added with its trust token shows Connected and its pinned certificate; a token of another server adds nothing', async ({ page }) => {
  const token = await daemon().trustToken('enclave-e2e');
  await openServers(page);
  await page.getByTestId('add-server').click();
  const dialog = page.getByTestId('add-server-dialog');
  await dialog.getByTestId('server-address-input').fill(address);
  await dialog.getByTestId('server-name-input').fill(SERVER);
  await expect(dialog.getByTestId('trust-token')).toBeChecked();
  await dialog.getByTestId('server-token-input').fill(token);
  await dialog.getByTestId('add-server-confirm').click();
  await expect(dialog).toHaveCount(0);

  const lab = entry(page, SERVER);
  await expect(lab.getByTestId('server-state')).toHaveText('Connected');
  await expect(lab.getByTestId('server-address')).toHaveText(address);
  await expect(lab.getByTestId('server-source')).toHaveText('Added in Enclave');
  const fingerprint = (await daemon().incus('info')).match(/certificate_fingerprint:\s*([0-9a-f]{64})/)?.[1] ?? '';
  expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  await expect(lab.getByTestId('server-fingerprint')).toHaveAttribute('title', `SHA-256 ${fingerprint}`);
  await expect(lab.getByTestId('server-fingerprint')).toHaveText(`${fingerprint.slice(0, 8)}…${fingerprint.slice(-4)}`);
  await shoot(page, 'settings-servers');

  // The same address with a token another server made: refused before the token is sent, nothing stored.
  await page.getByTestId('add-server').click();
  await dialog.getByTestId('server-address-input').fill(address);
  await dialog.getByTestId('server-name-input').fill(`${SERVER}-wrong`);
  await dialog.getByTestId('server-token-input').fill(tokenForAnotherServer(await daemon().trustToken('enclave-e2e-2')));
  await dialog.getByTestId('add-server-confirm').click();
  const problem = dialog.getByTestId('server-token-input-problem');
  await expect(problem).toContainText(`presents a certificate with fingerprint ${fingerprint}`);
  await expect(problem).toContainText('stored nothing');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('server-entry')).toHaveCount(2);
  await expect(entry(page, `${SERVER}-wrong`)).toHaveCount(0);
  await closeSettings(page);
});

test('the wizard makes an agent on lab: its card is in the lab section with its bare name and badge, and its terminal runs there', async ({ page }) => {
  await expect(section(page, SERVER).getByTestId('server-state')).toHaveText('Connected');
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await wizard.getByTestId('template-choice-shell').click();
  await page.getByTestId('wizard-next').click();
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'name');
  const server = wizard.getByTestId('agent-server');
  await expect(server).toHaveValue('local');
  await expect(server.locator('option')).toHaveText(['local', SERVER]);
  await server.selectOption(SERVER);
  await wizard.getByTestId('agent-name').fill(REMOTE_AGENT);
  await expect(wizard.getByTestId('agent-name-problem')).toHaveCount(0);
  await shoot(page, 'wizard-server');
  await page.getByTestId('wizard-next').click();
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'project');
  await page.getByTestId('wizard-next').click();
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'limits');
  await page.getByTestId('wizard-next').click();
  // The suite's remote has no bridges: its agents have no network.
  await wizard.getByTestId('new-agent-network-mode-none').check();
  await page.getByTestId('create-agent').click();
  await expect(wizard).toHaveCount(0, { timeout: 60_000 });

  const lab = card(page, ref);
  await expect(section(page, SERVER).locator(`[data-testid="agent-card"][data-agent="${ref}"]`)).toBeVisible();
  await expect(lab).toHaveAttribute('data-status', 'Running');
  await expect(lab.locator('[data-action="open-view"]')).toHaveText(REMOTE_AGENT);
  await expect(lab.getByTestId('server-badge')).toHaveText(SERVER);
  await expect(section(page, 'local').locator(`[data-agent="${ref}"]`)).toHaveCount(0);
  const listed = await daemon().incus('list', '--project', project(), '-c', 'ns', '-f', 'csv');
  expect(listed).toContain(`${REMOTE_AGENT},RUNNING`);
  expect(await incus(project(), 'list', '-c', 'n', '-f', 'csv')).not.toContain(REMOTE_AGENT);

  const view = terminal(page, ref, 'agent');
  if ((await view.count()) === 0) await lab.locator('[data-action="terminal"]').click();
  await expect(view).toHaveAttribute('data-state', 'open');
  const id = (await view.getAttribute('data-terminal-id')) ?? '';
  await typeInto(page, ref, 'agent', 'echo "on-$((40+2))-$(hostname)"');
  await expect.poll(() => screenText(page, id), { timeout: 30_000 }).toContain(`on-42-${REMOTE_AGENT}`);
});

test("lab's daemon killed: its section says so and its card goes stale while local stays live; started again, both are back", async ({ page }) => {
  // A local agent beside it, made the same way.
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await wizard.getByTestId('template-choice-shell').click();
  await page.getByTestId('wizard-next').click();
  await expect(wizard.getByTestId('agent-server')).toHaveValue('local');
  await wizard.getByTestId('agent-name').fill(LOCAL_AGENT);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-next').click();
  await wizard.getByTestId('new-agent-network-mode-none').check();
  await page.getByTestId('create-agent').click();
  await expect(wizard).toHaveCount(0, { timeout: 60_000 });
  const here = card(page, LOCAL_AGENT);
  const lab = card(page, ref);
  await expect(section(page, 'local').locator(`[data-testid="agent-card"][data-agent="${LOCAL_AGENT}"]`)).toHaveAttribute('data-status', 'Running');
  await expect(lab).toHaveAttribute('data-status', 'Running');
  await page.goto(url());
  await expect(page.getByTestId('server-section')).toHaveCount(2);
  await expect(here).toBeVisible();
  // The terminals the wizards opened cover half the grid: hidden, both sections show.
  await page.getByTestId('dock-collapse').click();
  await expect(page.getByTestId('dock-collapse')).toHaveAttribute('aria-label', 'Show terminals');
  await shoot(page, 'grid-two-servers', 1500);

  await daemon().kill();
  const labSection = section(page, SERVER);
  await expect(labSection).toHaveAttribute('data-state', /^(unavailable|connecting)$/, { timeout: 30_000 });
  await expect(labSection.getByTestId('server-state')).toHaveText(/^(Unavailable|Connecting…)$/);
  await expect(labSection).toHaveAttribute('data-state', 'unavailable', { timeout: 60_000 });
  await expect(labSection.getByTestId('server-problem')).toContainText('127.0.0.1');
  await expect(lab).toHaveAttribute('data-stale', 'true');
  await expect(lab.getByTestId('server-stale-note')).toContainText(`${SERVER} unavailable`);
  await expect(lab.locator('[data-action="stop"]')).toBeDisabled();
  // Local is reached on its own.
  await expect(section(page, 'local').getByTestId('server-state')).toHaveText('Connected');
  await expect(here).not.toHaveAttribute('data-stale', 'true');
  await expect(here.locator('[data-action="stop"]')).toBeEnabled();
  await shoot(page, 'grid-lab-down', 1500);

  await daemon().start();
  // Enclave retries by itself; Retry asks at once.
  await expect(async () => {
    const retry = labSection.locator('[data-action="retry-server"]');
    // It may be gone (connected) or busy by the time it would be clicked: a missed click is tried again.
    if ((await retry.count()) > 0) await retry.click({ timeout: 2_000 }).catch(() => undefined);
    await expect(labSection.getByTestId('server-state')).toHaveText('Connected', { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(lab).not.toHaveAttribute('data-stale', 'true');
  await expect(lab).toHaveAttribute('data-status', 'Running');
  await expect(labSection.getByTestId('server-problem')).toHaveCount(0);
  await expect(here).not.toHaveAttribute('data-stale', 'true');
});

test('lab removed in Settings → Servers, after its confirmation: its section is gone and its agent stays on the server', async ({ page }) => {
  await expect(section(page, SERVER)).toBeVisible();
  await openServers(page);
  await entry(page, SERVER).locator('[data-action="remove-server"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText(`Enclave forgets ${SERVER} (${address})`);
  await confirm.getByTestId('confirm').click();
  await expect(entry(page, SERVER)).toHaveCount(0);
  await expect(page.getByTestId('server-entry')).toHaveCount(1);
  await closeSettings(page);
  await expect(section(page, SERVER)).toHaveCount(0);
  await expect(card(page, ref)).toHaveCount(0);
  await expect(card(page, LOCAL_AGENT)).toBeVisible();
  // Its terminal is closed with it; the local agent's stays.
  await expect(terminal(page, ref, 'agent')).toHaveCount(0);
  await expect(terminal(page, LOCAL_AGENT, 'agent')).toHaveCount(1);
  expect(await daemon().incus('list', '--project', project(), '-c', 'n', '-f', 'csv')).toContain(REMOTE_AGENT);
});
