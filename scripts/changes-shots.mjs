// `node scripts/changes-shots.mjs [OUT]`: the Changes panel, its dialogs and the compare view
// against the fake backend of scripts/changes-fixture.mjs (no Incus needed), in light and dark at
// 1280×800 and 1920×1080, as OUT/<size>/<theme>/<view>.png (default /tmp/shots-panel). Needs
// the renderer built (`npx vite build` or `npm run build`). Not part of docs/screenshots.
/* global document */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeBackend } from './changes-fixture.mjs';
import { shoot, themedPage, withRenderer } from './shots-support.mjs';

const OUT = process.argv[2] ?? '/tmp/shots-panel';
const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
];
const THEMES = ['light', 'dark'];

async function openView(page, agent) {
  const view = page.getByTestId('agent-view');
  if (await view.count()) {
    await view.locator('.view-head button[aria-label="Close the timeline"]').click();
    await view.waitFor({ state: 'detached' });
  }
  await page.locator(`[data-testid="agent-card"][data-agent="${agent}"] [data-action="open-view"]`).click();
  const panel = page.locator(`[data-testid="agent-view"][data-agent="${agent}"] [data-testid="changes-panel"]`);
  await panel.waitFor();
  await panel.scrollIntoViewIfNeeded();
  return panel;
}

async function main() {
  await withRenderer(async (browser, url) => {
    for (const size of SIZES) {
      for (const theme of THEMES) {
        const dir = join(OUT, size.name, theme);
        mkdirSync(dir, { recursive: true });
        console.log(`${size.name} ${theme}`);
        const page = await themedPage(browser, url, { theme, width: size.width, height: size.height, install: installFakeBackend, installArg: { files: 40, now: Date.now() } });
        await page.getByTestId('agent-card').first().waitFor();

        const web = await openView(page, 'web');
        await web.locator('[data-testid="changed-file"][data-path="src/cart/checkout.ts"]').click();
        await web.getByTestId('diff-text').waitFor();
        await web.getByTestId('changed-files').scrollIntoViewIfNeeded();
        await shoot(page, dir, 'changes-split');

        await web.locator('[data-action="wide"]').click();
        await web.getByTestId('diff-text').scrollIntoViewIfNeeded();
        await shoot(page, dir, 'changes-wide-split');
        await web.locator('[data-layout="unified"]').click();
        await shoot(page, dir, 'changes-wide-unified');
        await web.locator('[data-layout="split"]').click();

        await web.locator('[data-testid="changed-file"][data-path="assets/logo.png"]').click();
        await web.getByTestId('diff-binary').waitFor();
        await web.getByTestId('changed-files').scrollIntoViewIfNeeded();
        await shoot(page, dir, 'changes-binary');
        await web.locator('[data-testid="changed-file"][data-path="generated/schema.json"]').click();
        await web.getByTestId('diff-big').waitFor();
        await shoot(page, dir, 'changes-big');
        const t0 = Date.now();
        await web.locator('[data-action="draw-big"]').click();
        await web.getByTestId('diff-text').waitFor({ timeout: 20_000 });
        console.log(`  big diff drawn ${Date.now() - t0} ms after the click`);
        await shoot(page, dir, 'changes-big-drawn');
        await web.locator('[data-testid="changed-file"][data-path="dist/app.min.js"]').click();
        await web.getByTestId('diff-text').waitFor();
        await shoot(page, dir, 'changes-minified');
        await web.locator('[data-action="wide"]').click();

        await web.locator('[data-action="fetch-branch"]').click();
        const gate = page.getByTestId('bring-back-dialog');
        await gate.waitFor();
        await shoot(page, dir, 'gate-review');
        await gate.getByTestId('gate-confirm').click();
        await gate.getByTestId('gate-result').waitFor();
        await shoot(page, dir, 'gate-done');
        await gate.getByTestId('cancel').click();

        await page.getByTestId('compare-with').selectOption('api');
        const cmp = page.getByTestId('compare-view');
        await cmp.getByTestId('diff-text').waitFor();
        await shoot(page, dir, 'compare');
        await page.keyboard.press('Escape');

        // The timeline with the brought-back marks (one from the log, one just now).
        const view = page.getByTestId('agent-view');
        await view.getByTestId('full-timeline').scrollIntoViewIfNeeded();
        await view.locator('.view-body').evaluate((el) => el.scrollBy(0, -140));
        const mark = view.locator('[data-testid="timeline-event"][data-kind="brought-back"]').first();
        await mark.hover();
        await page.waitForTimeout(200);
        await page.screenshot({ path: join(dir, 'timeline.png') });
        console.log('  timeline');

        const rewrite = await openView(page, 'rewrite');
        await shoot(page, dir, 'changes-rewritten');
        await rewrite.locator('[data-action="fetch-branch"]').click();
        await page.getByTestId('gate-replace').waitFor();
        await shoot(page, dir, 'gate-replace');
        await page.keyboard.press('Escape');

        await openView(page, 'docs');
        await shoot(page, dir, 'changes-mount');
        await openView(page, 'legacy');
        await shoot(page, dir, 'changes-stopped');
        await openView(page, 'bare');
        await shoot(page, dir, 'changes-none');
        await page.evaluate(() => document.querySelector('.app-scroll')?.scrollTo(0, 0));
        await page.getByTestId('agent-view').locator('.view-head button[aria-label="Close the timeline"]').click();
        await page.locator('[data-testid="agent-card"][data-agent="web"]').scrollIntoViewIfNeeded();
        const cardMark = page.locator('[data-testid="agent-card"][data-agent="web"] [data-testid="timeline-brought-back"]').first();
        await cardMark.waitFor();
        await shoot(page, dir, 'dashboard');
        await page.close();
      }
    }
  });
  console.log(`pictures in ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
