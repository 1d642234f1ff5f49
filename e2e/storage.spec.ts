import { expect, test } from '@playwright/test';
import { breakQuotaAccounting, rescanQuotas } from '../electron/test-support/btrfs-quota.js';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

test('a banner says when btrfs stops enforcing disk sizes, with the fix, and goes once fixed', async ({ page }) => {
  test.setTimeout(90_000);
  await rescanQuotas();
  await incus(project(), 'launch', 'enclave-agent', 'quota-probe');
  const [probe] = JSON.parse(await incus(project(), 'list', 'quota-probe', '-f', 'json')) as { state: { pid: number } }[];
  const pid = probe?.state.pid ?? 0;
  await page.goto(url());
  await expect(page.locator('[data-testid="agent-card"][data-agent="quota-probe"]')).toHaveAttribute('data-status', 'Running');
  const banner = page.getByTestId('storage-warning');
  await expect(banner).toHaveCount(0);

  const undo = await breakQuotaAccounting(pid);
  try {
    // The backend looks every 10 s.
    await expect(banner).toContainText('are not enforced right now', { timeout: 15_000 });
    await expect(banner).toContainText('btrfs quota rescan -w');
  } finally {
    await undo();
  }
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await incus(project(), 'delete', '--force', 'quota-probe');
});
