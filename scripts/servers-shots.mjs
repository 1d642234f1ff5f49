// `node scripts/servers-shots.mjs [OUT]`: the servers UI against the fake backend of
// scripts/servers-fixture.mjs (no Incus needed), in light and dark at 1280×800, as
// OUT/<theme>/<view>.png (default /tmp/shots-servers). Needs the renderer built (`npm run build`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { installServersBackend } from './servers-fixture.mjs';
import { shoot, themedPage, withRenderer } from './shots-support.mjs';

const OUT = process.argv[2] ?? '/tmp/shots-servers';

async function main() {
  await withRenderer(async (browser, url) => {
    for (const theme of ['light', 'dark']) {
      const dir = join(OUT, theme);
      mkdirSync(dir, { recursive: true });
      console.log(theme);
      const page = await themedPage(browser, url, { theme, width: 1280, height: 800, install: installServersBackend, installArg: { now: Date.now() } });
      await page.getByTestId('server-section').first().waitFor();
      await shoot(page, dir, 'grid');
      await page.locator('[data-testid="server-section"][data-server="edge"]').scrollIntoViewIfNeeded();
      await shoot(page, dir, 'grid-edge');
      await page.getByTestId('server-filter').selectOption('lab');
      await shoot(page, dir, 'grid-filter-lab');
      await page.getByTestId('server-filter').selectOption('all');

      await page.locator('[data-testid="agent-card"][data-agent="cl:ci-1"] [data-action="open-view"]').click();
      await page.getByTestId('agent-view').waitFor();
      await shoot(page, dir, 'agent-view');
      await page.locator('.view-head button[aria-label="Close the timeline"]').click();
      await page.locator('[data-testid="agent-card"][data-agent="cl:ci-2"] [data-action="agent-menu"]').click();
      await shoot(page, dir, 'card-menu');
      await page.locator('[data-action="move-to-member"]').click();
      await shoot(page, dir, 'move-dialog');
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="agent-card"][data-agent="web"] [data-action="agent-menu"]').click();
      await page.locator('[data-action="copy-to-server"]').click();
      await shoot(page, dir, 'copy-dialog');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByTestId('settings-tab-servers').click();
      await page.getByTestId('server-list').waitFor();
      await shoot(page, dir, 'settings-servers');
      await page.locator('[data-testid="settings-servers"]').evaluate((el) => el.closest('.settings-panels')?.scrollTo({ top: 99999 }));
      await page.getByTestId('show-client-cert').click();
      await page.getByTestId('client-cert-pem').waitFor();
      await shoot(page, dir, 'settings-servers-end');
      await page.getByTestId('add-server').click();
      await page.getByTestId('server-address-input').fill('https://incus.example:8443');
      await page.getByTestId('server-token-input').fill('expired-token-aaaaaaaaaaaaaaaaaaaaaaaa');
      await page.getByTestId('add-server-confirm').click();
      await page.getByTestId('server-token-input-problem').waitFor();
      await shoot(page, dir, 'add-token-error');
      await page.getByTestId('trust-fingerprint').check();
      await page.getByTestId('check-fingerprint').click();
      await page.getByTestId('probe-result').waitFor();
      await shoot(page, dir, 'add-probe');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');

      await page.getByTestId('new-agent').click();
      await page.getByTestId('wizard-step-name').click();
      await page.getByTestId('agent-server').selectOption('cl');
      await page.getByTestId('agent-member').waitFor();
      await shoot(page, dir, 'wizard-name');
      await page.close();
    }
  });
}

await main();
