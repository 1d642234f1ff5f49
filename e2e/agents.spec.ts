import { expect, test } from '@playwright/test';
import { incus } from './support.js';
import { card } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

test.beforeEach(async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('new-agent').first()).toBeVisible();
});

test('create an agent by clicking, see it running, stop it, delete it', async ({ page }) => {
  await page.getByTestId('new-agent').first().click();
  const dialog = page.getByTestId('new-agent-dialog');
  await expect(dialog).toBeVisible();
  // The Shell template, on the enclave-agent image, is chosen first.
  await expect(dialog.getByTestId('template-choice-shell').locator('input')).toBeChecked();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('e2e-first');
  await page.getByTestId('create-agent').click();

  await expect(card(page, 'e2e-first')).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  await expect(card(page, 'e2e-first')).toContainText('enclave-agent');
  expect(await incus(project(), 'list', '-c', 'ns', '-f', 'csv')).toContain('e2e-first,RUNNING');

  await card(page, 'e2e-first').locator('[data-action="stop"]').click();
  await expect(card(page, 'e2e-first')).toHaveAttribute('data-status', 'Stopped', { timeout: 60_000 });

  await card(page, 'e2e-first').locator('[data-action="delete"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('e2e-first');
  await page.getByTestId('confirm').click();
  await expect(card(page, 'e2e-first')).toHaveCount(0);
  expect(await incus(project(), 'list', '-c', 'n', '-f', 'csv')).not.toContain('e2e-first');
});

test('an instance made with the incus CLI appears, changes and disappears through events', async ({ page }) => {
  await incus(project(), 'launch', 'enclave-agent', 'cli-made');
  // Events, not polling: the card shows up within a second of the CLI returning.
  await expect(card(page, 'cli-made')).toHaveAttribute('data-status', 'Running', { timeout: 1_000 });
  await incus(project(), 'stop', '--force', 'cli-made');
  await expect(card(page, 'cli-made')).toHaveAttribute('data-status', 'Stopped', { timeout: 1_000 });
  await incus(project(), 'delete', 'cli-made');
  await expect(card(page, 'cli-made')).toHaveCount(0, { timeout: 1_000 });
});

test('bad names are refused with the rule before any call; duplicates get a specific error', async ({ page }) => {
  await incus(project(), 'init', 'enclave-agent', 'taken');
  await expect(card(page, 'taken')).toBeVisible();

  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  const name = page.getByTestId('agent-name');
  await name.fill('1-starts-with-digit');
  await expect(page.getByTestId('agent-name-problem')).toContainText('starts with a digit');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await name.fill('ends-with-dash-');
  await expect(page.getByTestId('agent-name-problem')).toContainText('ends with a dash');
  await name.fill('x'.repeat(64));
  await expect(page.getByTestId('agent-name-problem')).toContainText('1–63 characters');

  await name.fill('taken');
  // A name in the list is refused before the call; the backend refuses it too (agents.itest).
  await expect(page.getByTestId('agent-name-problem')).toContainText('already exists');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await incus(project(), 'delete', '--force', 'taken');
});
