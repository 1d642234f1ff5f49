// What the screenshot scripts (changes-shots.mjs, servers-shots.mjs) share: the built renderer
// served on 127.0.0.1 to a headless Chromium, a page in a theme with a fixture backend
// installed before the app loads, and one picture at a time.
/* global localStorage */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { serveStatic } from './changes-fixture.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `shots` with a browser and the URL of dist/renderer; closes both afterwards. */
export async function withRenderer(shots) {
  const site = await serveStatic(join(ROOT, 'dist', 'renderer'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await shots(browser, site.url);
  } finally {
    await browser.close();
    await site.close();
  }
}

/** A page of `url` in `theme` with `install(installArg)` run in it before the app loads. */
export async function themedPage(browser, url, { theme, width, height, install, installArg }) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
  await page.addInitScript((t) => localStorage.setItem('enclave.theme', t), theme);
  await page.addInitScript(install, installArg);
  await page.goto(url);
  return page;
}

/** `dir/name.png`, with the pointer out of the way and dialogs done fading in. */
export async function shoot(page, dir, name) {
  await page.mouse.move(2, 2);
  await page.waitForTimeout(350);
  await page.screenshot({ path: join(dir, `${name}.png`) });
  console.log(`  ${name}`);
}
