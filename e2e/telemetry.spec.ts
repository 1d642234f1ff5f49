import { expect, test } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

test("the card's graph moves when the agent burns CPU, and the limits editor applies a change", async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('agent-name').fill('burner');
  await page.getByTestId('create-agent').click();
  const card = page.locator('[data-testid="agent-card"][data-agent="burner"]');
  await expect(card).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  // New agents are never unlimited: the settings' defaults applied.
  expect(await incus(project(), 'config', 'get', 'burner', 'limits.processes')).not.toBe('\n');

  const graphs = card.getByTestId('card-graphs');
  await expect.poll(async () => Number(await graphs.getAttribute('data-cpu')), { timeout: 10_000 }).toBeLessThan(20);
  const burn = incus(project(), 'exec', 'burner', '--', 'timeout', '12', 'sh', '-c', 'while :; do :; done').catch(() => undefined);
  await expect.poll(async () => Number(await graphs.getAttribute('data-cpu')), { timeout: 10_000 }).toBeGreaterThan(30);
  await expect(card.getByTestId('card-cpu')).toContainText('%');

  await card.locator('[data-action="timeline"]').click();
  const editor = page.getByTestId('limits-editor');
  await expect(editor).toBeVisible();
  await editor.getByTestId('limit-processes').fill('321');
  await editor.getByTestId('limits-apply').click();
  await expect(page.getByTestId('limits-notes')).toBeVisible();
  await expect.poll(async () => (await incus(project(), 'config', 'get', 'burner', 'limits.processes')).trim()).toBe('321');

  await burn;
  await incus(project(), 'delete', '--force', 'burner');
});
