import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { incus } from './support.js';
import { card } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

/** The agent's NIC devices as Incus expands them (its profile's and its own). */
async function nics(agent: string): Promise<string> {
  const yaml = await incus(project(), 'config', 'show', agent, '--expanded');
  return yaml.match(/type: nic/g)?.join('\n') ?? '';
}

test.beforeEach(async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('new-agent').first()).toBeVisible();
});

test('an agent created with no network shows "none"; switched live to restricted in its view', async ({ page }) => {
  await page.getByTestId('new-agent').first().click();
  const dialog = page.getByTestId('new-agent-dialog');
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('netless');
  // Prefilled from Settings' default network (restricted here): the Shell template names none.
  await page.getByTestId('wizard-step-network').click();
  await expect(dialog.getByTestId('new-agent-network-mode-restricted')).toBeChecked();
  await dialog.getByTestId('new-agent-network-mode-none').check();
  await expect(dialog.getByTestId('new-agent-network-fields')).toHaveAttribute('data-mode', 'none');
  await page.getByTestId('create-agent').click();

  const netless = card(page, 'netless');
  await expect(netless).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  const badge = netless.getByTestId('network-badge');
  await expect(badge).toHaveAttribute('data-mode', 'none');
  await expect(badge.getByTestId('network-mode')).toHaveText('none');
  expect(await nics('netless')).toBe('');

  // Needs the network backend from here on: agents.create storing the policy, agents.setNetwork.
  expect((await incus(project(), 'config', 'get', 'netless', 'user.enclave.network.mode')).trim()).toBe('none');

  await netless.locator('[data-action="open-view"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="netless"]');
  const editor = view.getByTestId('network-editor');
  await expect(editor).toBeVisible();
  await expect(view.getByTestId('network-where')).toContainText('No network interface');
  await expect(view.getByTestId('network-apply')).toBeDisabled();
  await view.getByTestId('network-mode-restricted').check();
  await view.getByTestId('network-apply').click();

  // Needs the network backend: the stub answers "Network policies are not built yet.".
  await expect(view.getByTestId('network-apply')).not.toHaveAttribute('aria-busy', 'true', { timeout: 30_000 });
  await expect(view.getByTestId('network-error')).toHaveCount(0);
  await expect(badge).toHaveAttribute('data-mode', 'restricted', { timeout: 30_000 });
  await expect(badge.getByTestId('network-mode')).toHaveText('restricted');
  await expect(netless).toHaveAttribute('data-status', 'Running');
  await expect(view.getByTestId('network-where')).toContainText('enclave-restr');
  expect(await nics('netless')).not.toBe('');
  expect((await incus(project(), 'config', 'get', 'netless', 'user.enclave.network.mode')).trim()).toBe('restricted');

  await incus(project(), 'delete', '--force', 'netless');
  await expect(netless).toHaveCount(0);
});

test('the network form names the bad host, port and bandwidth before any call', async ({ page }) => {
  await page.getByTestId('new-agent').first().click();
  const dialog = page.getByTestId('new-agent-dialog');
  await page.getByTestId('wizard-step-network').click();
  await dialog.getByTestId('new-agent-network-mode-allowlist').check();
  // An allowlist starts with one row, which must be filled.
  await expect(dialog.getByTestId('new-agent-network-row-problem-0')).toContainText('Enter a host, or remove this row.');
  await expect(page.getByTestId('create-agent')).toBeDisabled();

  await dialog.getByTestId('new-agent-network-host-0').fill('not a host');
  await expect(dialog.getByTestId('new-agent-network-row-problem-0')).toContainText('"not a host" is not a host.');
  await dialog.getByTestId('new-agent-network-host-0').fill('api.example.com');
  await dialog.getByTestId('new-agent-network-ports-0').fill('443, https');
  await expect(dialog.getByTestId('new-agent-network-row-problem-0')).toContainText('"https" is not a port.');
  await dialog.getByTestId('new-agent-network-ports-0').fill('443, 80');
  await expect(dialog.getByTestId('new-agent-network-row-problem-0')).toHaveCount(0);
  await expect(page.getByTestId('create-agent')).toBeEnabled();

  await dialog.getByTestId('new-agent-network-add-host').click();
  await dialog.getByTestId('new-agent-network-host-1').fill('203.0.113.0/24');
  await dialog.getByTestId('new-agent-network-ingress').fill('100MB');
  await expect(dialog.getByTestId('new-agent-network-bandwidth-hint')).toContainText('"100MB" is not a bandwidth.');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await dialog.getByTestId('new-agent-network-ingress').fill('100Mbit');
  await expect(page.getByTestId('create-agent')).toBeEnabled();

  await dialog.locator('[aria-label="Remove host 1"]').click();
  await dialog.locator('[aria-label="Remove host 1"]').click();
  await expect(dialog.getByTestId('new-agent-network-allow-problem')).toContainText('at least one host');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // The same editor sets the default of new agents in Settings (not saved here: the settings
  // file is the machine's own).
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-tab-network').click();
  const settings = page.getByTestId('settings-network');
  await expect(settings).toBeVisible();
  await settings.getByTestId('settings-network-mode-open').check();
  await settings.getByTestId('settings-network-egress').fill('fast');
  await expect(settings.getByTestId('settings-network-bandwidth-hint')).toContainText('"fast" is not a bandwidth.');
  await expect(page.getByTestId('settings-save')).toBeDisabled();
  await expect(page.getByTestId('settings-tab-network')).toHaveAttribute('data-invalid', 'true');
  await page.keyboard.press('Escape');
});

test('a host folder mounted with the incus CLI is named on the card and removed by Fix', async ({ page }) => {
  const folder = await mkdtemp(join(tmpdir(), 'enclave-e2e-hostdisk-'));
  try {
    await incus(project(), 'init', 'enclave-agent', 'drifted');
    await expect(card(page, 'drifted')).toBeVisible();
    // Enclave's project refuses host folders; a user who lifted that by hand can still add one.
    await incus(project(), 'project', 'set', project(), 'restricted=false');
    await incus(project(), 'config', 'device', 'add', 'drifted', 'hostdisk', 'disk', `source=${folder}`, 'path=/mnt/host', 'readonly=true');

    // Needs the isolation backend: drift detection and agents.fixIsolation.
    const warning = card(page, 'drifted').getByTestId('isolation-warning');
    await expect(warning).toContainText('Host folder mounted');
    await expect(warning.getByTestId('problem-item').first()).toHaveText('hostdisk');
    await expect(warning.getByTestId('problem-value').first()).toHaveText(folder);
    await warning.locator('[data-action="fix-isolation"]').click();
    const confirm = page.getByTestId('fix-isolation-dialog');
    await expect(confirm.getByTestId('fix-item').filter({ hasText: 'hostdisk' })).toBeVisible();
    await confirm.getByTestId('confirm-fix').click();
    await expect(card(page, 'drifted').getByTestId('isolation-warning')).toHaveCount(0, { timeout: 30_000 });
    expect(await incus(project(), 'config', 'device', 'list', 'drifted')).not.toContain('hostdisk');
  } finally {
    await incus(project(), 'delete', '--force', 'drifted').catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
});
