import { expect, test, type Page } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const card = (page: Page, name: string) => page.locator(`[data-testid="agent-card"][data-agent="${name}"]`);

/** Exit code of `test -f FILE` inside the agent: 0 when the file is there. */
async function hasFile(agent: string, file: string): Promise<boolean> {
  try {
    await incus(project(), 'exec', agent, '--', 'test', '-f', file);
    return true;
  } catch {
    return false;
  }
}

test('snapshot, roll back from the timeline, undo the rollback, clone the snapshot', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('travel');
  await page.getByTestId('create-agent').click();
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });

  await incus(project(), 'exec', 'travel', '--', 'sh', '-c', 'echo precious > /root/work.txt');

  // Take a named snapshot from the agent's timeline view.
  await card(page, 'travel').locator('[data-action="timeline"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="travel"]');
  await expect(view).toBeVisible();
  await view.getByTestId('snapshot-name').fill('with-work');
  await view.getByTestId('snapshot-comment').fill('work.txt written');
  await view.getByTestId('snapshot-create').click();
  const row = view.locator('[data-testid="snapshot-row"][data-snapshot="with-work"]');
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-kind', 'manual');
  await expect(row).toContainText('work.txt written');

  await incus(project(), 'exec', 'travel', '--', 'rm', '/root/work.txt');
  expect(await hasFile('travel', '/root/work.txt')).toBe(false);

  // Roll back: the confirmation says a safety snapshot comes first.
  await row.locator('[data-action="restore"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('safety snapshot');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('restore-done')).toBeVisible({ timeout: 30_000 });
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running');
  expect(await hasFile('travel', '/root/work.txt')).toBe(true);
  await expect(view.locator('[data-testid="snapshot-row"][data-kind="safety"]')).toHaveCount(1);

  // One click undoes it: back to the state before the rollback, without the file.
  await page.getByTestId('undo-restore').click();
  await expect.poll(() => hasFile('travel', '/root/work.txt'), { timeout: 30_000 }).toBe(false);
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running');

  // Clone the snapshot: a new running agent with the file, showing where it came from.
  await row.locator('[data-action="clone"]').click();
  const clone = page.getByTestId('clone-dialog');
  await expect(clone).toBeVisible();
  await clone.getByTestId('clone-name').fill('travel-fork');
  await clone.getByTestId('clone-create').click();
  await expect(card(page, 'travel-fork')).toHaveAttribute('data-status', 'Running', { timeout: 30_000 });
  await expect(card(page, 'travel-fork').getByTestId('cloned-from')).toContainText('travel');
  expect(await hasFile('travel-fork', '/root/work.txt')).toBe(true);

  await incus(project(), 'delete', '--force', 'travel-fork');
  await incus(project(), 'delete', '--force', 'travel');
});
