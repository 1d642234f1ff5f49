import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
/** Screenshots of the view (light and dark, two sizes) when set; never into the repo. */
const shotsDir = process.env.ENCLAVE_SHOTS_DIR ?? '';

async function shots(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(400); // the theme's colour transitions settle before the shot
    for (const [w, h] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(shotsDir, `${name}-${scheme}-${w}x${h}.png`), fullPage: false });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 860 });
}

const row = (page: Page, alias: string) => page.getByTestId('image-row').filter({ has: page.getByTestId('image-title').getByText(alias, { exact: true }) });

/** Fills the build form with a script of its own and no network, and starts it. */
async function build(page: Page, alias: string, version: string, script: string): Promise<void> {
  await page.getByTestId('images-build').click();
  const form = page.getByTestId('build-form');
  await form.getByTestId('build-alias').fill(alias);
  await form.getByTestId('build-version').fill(version);
  for (const box of await form.locator('[data-testid^="build-cli-"][type="checkbox"]').all()) await box.uncheck();
  await form.getByTestId('build-network').selectOption('none');
  await form.getByTestId('build-script').fill(script);
  await form.getByTestId('build-start').click();
  await expect(form).toHaveCount(0);
}

test('the images view lists an image with its agents, builds one with a live log, and shows a failing line', async ({ page }) => {
  test.setTimeout(300_000);
  const tag = randomBytes(3).toString('hex');
  const alias = `enclave-e2e-img-${tag}`;
  const agent = `img-user-${tag}`;
  const exportDir = mkdtempSync(join(tmpdir(), 'enclave-e2e-img-'));
  try {
    await page.goto(url());
    await expect(page.getByTestId('new-agent').first()).toBeVisible();
    await page.getByTestId('images-open').click();
    await expect(page.getByTestId('images-view')).toBeVisible();
    await expect(row(page, 'enclave-agent')).toBeVisible();

    // The builder's form says where Aider comes from.
    await page.getByTestId('images-build').click();
    await page.getByTestId('build-cli-aider').check();
    await expect(page.getByTestId('build-cli-note')).toContainText('PyPI');
    await expect(page.getByTestId('build-script')).toHaveValue(/pipx install aider-chat/);
    await shots(page, 'images-build-form');
    await page.getByTestId('build-form').getByRole('button', { name: 'Cancel' }).click();

    await build(page, alias, 'e2e.1', ['set -e', 'echo "e2e build begins"', 'echo e2e > /etc/e2e-image', 'sleep 6', 'echo "e2e build ends"', ''].join('\n'));
    const panel = page.getByTestId('build-panel').filter({ hasText: alias }).first();
    // Streamed: the first line is in the log while the script still runs.
    await expect(panel.getByTestId('build-log')).toContainText('e2e build begins', { timeout: 60_000 });
    await expect(panel).toHaveAttribute('data-state', 'running');
    await expect(panel.getByTestId('build-log')).not.toContainText('e2e build ends');
    await shots(page, 'images-build-running');
    await expect(panel).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
    await expect(panel.getByTestId('build-done')).toContainText(`Published as ${alias}`);
    await expect(panel.getByTestId('build-log')).toContainText('e2e build ends');
    expect((await panel.getByTestId('build-log').textContent())?.match(/Creating the builder/g)).toHaveLength(1);

    // The new image appears; an agent made from it shows in its row, and delete is refused.
    const mine = row(page, alias);
    await expect(mine).toBeVisible();
    await expect(mine.getByTestId('image-version')).toHaveText('e2e.1');
    await expect(mine.getByTestId('image-used-by')).toHaveText('No agent uses it');
    await incus(project(), 'launch', alias, agent);
    await expect(mine.getByTestId('image-used-by')).toHaveText(agent, { timeout: 15_000 });
    await mine.getByTestId('image-delete').click();
    await expect(mine.getByTestId('image-delete-error')).toContainText(`in use by the agent ${agent}`);
    await panel.getByTestId('build-dismiss').click();
    await expect(panel).toHaveCount(0);
    await shots(page, 'images-list');

    // Unused again: deleted from the view; then imported back from a file in this window.
    const fingerprint = (await mine.getAttribute('data-fingerprint')) ?? '';
    await incus(project(), 'image', 'export', fingerprint, join(exportDir, 'image'));
    await incus(project(), 'delete', '--force', agent);
    await expect(mine.getByTestId('image-used-by')).toHaveText('No agent uses it', { timeout: 15_000 });
    await mine.getByTestId('image-delete').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
    await expect(mine).toHaveCount(0);
    await page.getByTestId('images-import').click();
    const form = page.getByTestId('import-form');
    await form.getByTestId('import-file').setInputFiles(join(exportDir, readdirSync(exportDir)[0] as string));
    await form.getByTestId('import-alias').fill(alias);
    await form.getByTestId('import-start').click();
    await expect(form).toHaveCount(0, { timeout: 60_000 });
    await expect(mine).toHaveAttribute('data-fingerprint', fingerprint);
    await expect(mine.getByTestId('image-version')).toHaveText('e2e.1');

    // A failing script: the failing line and what it printed; the builder is kept until dismissed.
    await build(page, `${alias}-bad`, 'e2e.2', ['set -e', 'echo "before the failure"', 'sh -c "echo the tool broke; exit 4"', 'echo never', ''].join('\n'));
    const failed = page.getByTestId('build-panel').filter({ hasText: `${alias}-bad` }).first();
    await expect(failed).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
    await expect(failed.getByTestId('build-failed-line')).toContainText('Line 3');
    await expect(failed.getByTestId('build-failed-output')).toHaveText('the tool broke\n');
    await expect(failed.getByTestId('build-error')).toContainText('exit code 4');
    const builder = (await failed.getByTestId('build-error').textContent())?.match(/builder (build-[a-z0-9-]+)/)?.[1] ?? '';
    expect(builder).not.toBe('');
    expect((await incus(project(), 'list', '-c', 'n', '-f', 'csv')).split('\n')).toContain(builder);
    await shots(page, 'images-build-failed');
    await failed.getByTestId('build-dismiss').click();
    await expect(failed).toHaveCount(0);
    expect((await incus(project(), 'list', '-c', 'n', '-f', 'csv')).split('\n')).not.toContain(builder);
  } finally {
    await incus(project(), 'delete', '--force', agent).catch(() => undefined);
    for (const a of [alias, `${alias}-bad`]) await incus(project(), 'image', 'delete', a).catch(() => undefined);
    rmSync(exportDir, { recursive: true, force: true });
  }
});
