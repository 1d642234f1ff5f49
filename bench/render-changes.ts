/**
 * The Changes panel with 1,000 changed files (issue #12), measured like render-scale: the built
 * renderer against the fake backend of scripts/changes-fixture.mjs (no Incus: what is measured is
 * the panel, not the reading of a repository), in headless Chromium. Each frame's work (rAF to
 * after paint, as in render-scale) is the goal line. First paint: the agent view is opened and
 * the fixture answers its first workspace.changes 1.5 s later, so the frame that draws the list
 * of 1,000 files is the panel's own (opening the whole view, with its charts and timeline, is
 * reported beside it). Scroll: the list scrolled three rows per frame, down and back, S seconds.
 */
import { framesInPage } from './frame-sampler.js';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { installFakeBackend, serveStatic } from '../scripts/changes-fixture.mjs';
import { median, percentile } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** In the page: opens the view (timing its frames), then times each frame until the list has rows, and two after. */
const OPEN = `async () => {
  const button = document.querySelector('[data-testid="agent-card"][data-agent="web"] [data-action="open-view"]');
  const channel = new MessageChannel();
  let frameStart = 0;
  let sink = [];
  channel.port1.onmessage = () => sink.push(performance.now() - frameStart);
  const frames = (until) => new Promise((resolve) => {
    let after = -1;
    const step = () => {
      frameStart = performance.now();
      channel.port2.postMessage(0);
      if (after < 0 && until()) after = 0;
      if (after >= 0 && after++ >= 2) resolve(); else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const view = [];
  sink = view;
  const t0 = performance.now();
  button.click();
  await frames(() => document.querySelector('[data-testid="changes-panel"][data-state="loading"]'));
  const viewShown = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const list = [];
  sink = list;
  const t1 = performance.now();
  let listShown = 0;
  await frames(() => {
    const rows = document.querySelector('[data-testid="changed-files"] [role="option"]');
    if (rows && !listShown) listShown = performance.now() - t1;
    return !!rows;
  });
  await new Promise((r) => setTimeout(r, 50));
  channel.port1.close();
  const rows = document.querySelectorAll('[data-testid="changed-files"] [role="option"]').length;
  const count = Number(document.querySelector('[data-testid="changed-files"]').dataset.count);
  return { viewShown, view, list, rows, count };
}`;

const SCROLL = framesInPage({
  before: `const list = document.querySelector('[data-testid="changed-files"]');
  let direction = 1;`,
  eachFrame: `const max = list.scrollHeight - list.clientHeight;
      if (list.scrollTop >= max) direction = -1;
      else if (list.scrollTop <= 0) direction = 1;
      list.scrollTop += direction * 84;`,
  returns: `rows: list.querySelectorAll('[role="option"]').length`,
});

export async function measureChangesPanel(root: string, files: number, seconds: number, runs = 5): Promise<void> {
  console.log(`\nchanges panel: ${files} changed files, built renderer against the fixture backend, headless ${CHROMIUM} (no GPU)`);
  const site = await serveStatic(join(root, 'dist', 'renderer'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const viewShown: number[] = [];
    const viewWork: number[] = [];
    const listWork: number[] = [];
    let scroll: { frames: number[]; work: number[]; rows: number } | null = null;
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.addInitScript(installFakeBackend, { files, now: Date.now(), changesDelayMs: 1500 });
      await page.goto(site.url);
      await page.locator('[data-testid="agent-card"][data-agent="web"]').waitFor();
      await page.waitForTimeout(300);
      const opened = (await page.evaluate(`(${OPEN})()`)) as { viewShown: number; view: number[]; list: number[]; rows: number; count: number };
      if (opened.count !== files) throw new Error(`the list holds ${opened.count} files, not ${files}`);
      viewShown.push(opened.viewShown);
      viewWork.push(...opened.view);
      listWork.push(...opened.list);
      if (run === 0) console.log(`  list of ${opened.count} files in the DOM as ${opened.rows} rows`);
      if (run === runs - 1) {
        await page.getByTestId('diff-text').waitFor({ timeout: 30_000 }); // the first file's diff, drawn once
        await page.waitForTimeout(500);
        scroll = (await page.evaluate(`(${SCROLL})(${seconds * 1000})`)) as { frames: number[]; work: number[]; rows: number };
      }
      if (errors.length) console.log(`  page errors: ${errors.slice(0, 3).join(' | ')}`);
      await page.close();
    }
    console.log(`  opening the whole agent view (click to the panel on screen), ${runs} runs: median ${fmt(median(viewShown))}; its frames' work p95 ${fmt(percentile(viewWork, 95))}, max ${fmt(Math.max(...viewWork))}`);
    console.log(`  first paint of the list (the changes arrive, ${runs} runs): frame work p50 ${fmt(median(listWork))}, p95 ${fmt(percentile(listWork, 95))}, max ${fmt(Math.max(...listWork))}`);
    if (!scroll) return;
    const over = (xs: number[], ms: number) => xs.filter((f) => f > ms).length;
    console.log(`  scroll ${seconds} s: ${scroll.frames.length} frames (${(scroll.frames.length / seconds).toFixed(1)} fps), ${scroll.rows} rows in the DOM at the end`);
    console.log(`  frame interval: p50 ${fmt(median(scroll.frames))}, p95 ${fmt(percentile(scroll.frames, 95))}, max ${fmt(Math.max(...scroll.frames))}`);
    console.log(`  frame work (rAF to after paint): p50 ${fmt(median(scroll.work))}, p95 ${fmt(percentile(scroll.work, 95))}, p99 ${fmt(percentile(scroll.work, 99))}, max ${fmt(Math.max(...scroll.work))}; ${over(scroll.work, 16)} over 16 ms`);
    console.log(
      `bench render-changes-${files}: first paint p95 ${percentile(listWork, 95).toFixed(1)}, scroll p95 ${percentile(scroll.work, 95).toFixed(1)} (frame work, ms; opening the whole view p95 ${percentile(viewWork, 95).toFixed(1)})`,
    );
  } finally {
    await browser.close().catch(() => undefined);
    await site.close();
  }
}
