import { expect, test, type Locator } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

/** The activity row whose message matches `message` (the newest such), and its actor badge. */
function activityRow(log: Locator, message: RegExp): { row: Locator; actor: Locator } {
  const row = log.getByTestId('activity-row').filter({ has: log.page().locator('.activity-message', { hasText: message }) }).first();
  return { row, actor: row.getByTestId('activity-actor') };
}

test("a fork bomb is headlined as one on its card and in the toast, whatever fired after it; the log tells the user's clicks from Enclave's own actions", async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('rogue');
  await page.getByTestId('create-agent').click();
  const card = page.locator('[data-testid="agent-card"][data-agent="rogue"]');
  await expect(card).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });

  // The user's own changes, by clicks in the agent's view: a guard that flags a slower fork
  // bomb (so the fork-bomb rule fires seconds before the process count's), and a snapshot.
  await card.locator('[data-action="timeline"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="rogue"]');
  await view.getByTestId('guard-forkRatePerSecond').fill('5');
  await view.getByTestId('guard-save').click();
  const log = view.getByTestId('activity-log');
  await expect(activityRow(log, /guard settings changed/).actor).toHaveAttribute('data-actor', 'user');
  await view.getByTestId('snapshot-name').fill('calm');
  await view.getByTestId('snapshot-create').click();
  await expect(view.locator('[data-testid="snapshot-row"][data-snapshot="calm"]')).toBeVisible();
  await view.getByRole('button', { name: 'Close the timeline' }).click();
  await incus(project(), 'config', 'set', 'rogue', 'limits.processes=100');

  const started = Date.now();
  // About 15 new processes a second: over the fork rate of 5/s at once, at 90 of 100
  // processes some seconds later. Bounded: the loop ends after 20 s, the limit caps it.
  const bomb = incus(project(), 'exec', 'rogue', '--', 'timeout', '20', 'sh', '-c', 'while :; do sleep 60 & sleep 0.05; done').catch(() => undefined);
  await expect(card).toHaveAttribute('data-alert', 'true', { timeout: 10_000 });
  console.log(`guard alert on the card ${Date.now() - started} ms after the fork bomb started`);
  const banner = card.getByTestId('agent-alert');
  // Both rules active, the process count the newer: the fork bomb still headlines, on the card and in the toast.
  await expect(banner.locator('.alert-banner-more')).toContainText(/\+\d+ more/, { timeout: 20_000 });
  await expect(banner).toHaveAttribute('data-rule', 'fork-bomb');
  await expect(banner.locator('.alert-banner-title')).toContainText('Fork bomb');
  const toast = page.getByTestId('guard-toast').first();
  await expect(toast).toContainText('rogue');
  await expect(toast).toContainText('fork bomb?');
  await expect(toast).toContainText(/\+\d+ more/);

  await banner.locator('[data-action="alert-freeze"]').click();
  await expect(card).toHaveAttribute('data-status', 'Frozen', { timeout: 15_000 });
  // Roll back from the banner: the user's restore, and the safety snapshot Enclave takes first.
  await banner.locator('[data-action="alert-rollback"]').click();
  await page.getByTestId('confirm').click();
  await expect(card).toHaveAttribute('data-status', 'Running', { timeout: 30_000 });
  await bomb;

  await card.locator('[data-action="timeline"]').click();
  await expect(activityRow(log, /^snapshot calm taken$/).actor).toHaveAttribute('data-actor', 'user');
  await expect(activityRow(log, /^snapshot calm taken$/).actor).toHaveText('by you');
  await expect(activityRow(log, /^frozen$/).actor).toHaveAttribute('data-actor', 'user');
  await expect(activityRow(log, /^restored to calm/).actor).toHaveText('by you');
  const safety = activityRow(log, /^safety snapshot .* taken before restoring to calm$/).actor;
  await expect(safety).toHaveAttribute('data-actor', 'automatic');
  await expect(safety).toHaveText('by Enclave, automatically (safety snapshot before a rollback)');
  const alerted = activityRow(log, /fork bomb\?/).actor;
  await expect(alerted).toHaveText('by Enclave, automatically (a guard rule fired)');
  await expect(activityRow(log, /^configuration changed$/).actor).toHaveAttribute('data-actor', 'client');
  await incus(project(), 'delete', '--force', 'rogue');
});
