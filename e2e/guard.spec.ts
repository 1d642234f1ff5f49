import { expect, test } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

test('a fork bomb raises an alert on its card, named in a toast, and one click freezes it', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('agent-name').fill('rogue');
  await page.getByTestId('create-agent').click();
  const card = page.locator('[data-testid="agent-card"][data-agent="rogue"]');
  await expect(card).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  await incus(project(), 'config', 'set', 'rogue', 'limits.processes=100');

  const started = Date.now();
  // Bounded: the loop ends after 8 s, and the processes limit caps it meanwhile.
  const bomb = incus(project(), 'exec', 'rogue', '--', 'timeout', '8', 'sh', '-c', 'while :; do sleep 30 & done').catch(() => undefined);
  await expect(card).toHaveAttribute('data-alert', 'true', { timeout: 10_000 });
  console.log(`guard alert on the card ${Date.now() - started} ms after the fork bomb started`);
  await expect(card.getByTestId('agent-alert')).toContainText(/process/i);
  await expect(page.getByTestId('guard-toast').first()).toContainText('rogue');

  await card.locator('[data-action="alert-freeze"]').click();
  await expect(card).toHaveAttribute('data-status', 'Frozen', { timeout: 15_000 });
  await bomb;
  await incus(project(), 'delete', '--force', 'rogue');
});
