import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { installFakeBackend } from '../scripts/changes-fixture.mjs';
import { appProtocolHandler } from '../electron/desktop/app-protocol.js';
import { contentSecurityPolicy } from '../electron/desktop/content-policy.js';
import { incus, root } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

/**
 * The strict Content Security Policy does not break the UI: every CSP violation the page
 * reports (the `securitypolicyviolation` event, and Chromium's console line for it) is
 * collected from before the first script runs, while the UI does what uses the most of the
 * browser: the grid, the new-agent wizard, a terminal (xterm), the diff viewer (highlighted).
 */
const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) logged.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => w.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
      true,
    );
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)), ...logged];
}

async function terminalRenderer(page: Page, id: string): Promise<string | undefined> {
  return page.evaluate((tid) => (window as unknown as { __enclaveTerminalProbe(id: string): { renderer: string } | null }).__enclaveTerminalProbe(tid)?.renderer, id);
}

test('browser mode: the CSP header is sent, and the grid, the wizard and a terminal (WebGL, then DOM) cause no violation', async ({ page, context }) => {
  const violations = await watchViolations(page);
  const response = await page.goto(url());
  expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy({ connect: 'self' }));
  await expect(page.getByTestId('new-agent').first()).toBeVisible();

  try {
    await page.getByTestId('new-agent').first().click();
    await expect(page.getByTestId('new-agent-dialog')).toBeVisible();
    await page.getByTestId('wizard-step-name').click();
    await page.getByTestId('agent-name').fill('csp-term');
    await page.getByTestId('create-agent').click();
    await expect(card(page, 'csp-term')).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
    await expect(page.getByTestId('new-agent-dialog')).toHaveCount(0, { timeout: 60_000 });
    const view = terminal(page, 'csp-term', 'agent');
    await expect(view).toHaveAttribute('data-state', 'open');
    const id = (await view.getAttribute('data-terminal-id')) ?? '';
    await typeInto(page, 'csp-term', 'agent', 'echo csp-$((6*7))');
    await expect.poll(() => screenText(page, id)).toContain('csp-42');
    expect(await terminalRenderer(page, id)).toBe('webgl');
    expect(await violations()).toEqual([]);

    // Without WebGL2, xterm draws with its DOM renderer, which writes <style> elements of its own.
    const other = await context.newPage();
    const otherViolations = await watchViolations(other);
    await other.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
        return kind === 'webgl2' ? null : getContext.call(this, kind as '2d', ...(rest as []));
      } as typeof getContext;
    });
    await other.goto(url());
    await card(other, 'csp-term').locator('[data-action="terminal"]').click();
    const again = terminal(other, 'csp-term', 'agent');
    await expect(again).toHaveAttribute('data-state', 'open');
    const otherId = (await again.getAttribute('data-terminal-id')) ?? '';
    await typeInto(other, 'csp-term', 'agent', 'echo dom-$((6*7))');
    await expect.poll(() => screenText(other, otherId)).toContain('dom-42');
    expect(await terminalRenderer(other, otherId)).toBe('dom');
    expect(await otherViolations()).toEqual([]);
    await other.close();
  } finally {
    await incus(project(), 'delete', '--force', 'csp-term').catch(() => undefined);
  }
});

/**
 * The desktop app's own handler (appProtocolHandler, as protocol.handle calls it) behind a
 * loopback http server: its headers and bytes reach Chromium unchanged, so the page runs under
 * the desktop policy (connect-src 'none'), with the preload's bridge played by the fixture.
 */
function serveThroughAppHandler(dir: string): Promise<{ url: string; server: Server }> {
  const handler = appProtocolHandler(dir);
  const server = createServer((req, res) => {
    void handler(new Request(`app://enclave${req.url ?? '/'}`, { method: req.method })).then(async (answer) => {
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }));
  });
}

test('desktop policy: the app handler serves the UI and a highlighted diff draws with no violation and no connection', async ({ page }) => {
  const site = await serveThroughAppHandler(join(root, 'dist', 'renderer'));
  try {
    const violations = await watchViolations(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.addInitScript(installFakeBackend, { files: 40, now: Date.now() });
    const response = await page.goto(site.url);
    expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy({ connect: 'none' }));

    await page.locator('[data-testid="agent-card"][data-agent="web"] [data-action="open-view"]').click();
    const panel = page.locator('[data-testid="agent-view"][data-agent="web"] [data-testid="changes-panel"]');
    const diff = panel.getByTestId('diff-text');
    await expect(diff).toBeVisible();
    await expect(diff).toHaveAttribute('data-highlight', 'true');
    // Syntax colours and the changed words within a line: the library's HTML strings.
    await expect(diff.locator('.hljs-keyword').first()).toBeVisible();
    await expect(diff.locator('[data-diff-highlight]').first()).toBeVisible();

    expect(await violations()).toEqual([]);
    // Only the app's own files: no WebSocket, no fetch.
    expect(requests.filter((r) => !r.startsWith(site.url))).toEqual([]);

    // The watch sees what the policy refuses, so the empty list above means something: here the
    // WebSocket browser mode would open, which the desktop policy does not allow.
    await page.evaluate(() => new WebSocket(`ws://${location.host}/ws`).close());
    await expect.poll(violations).toEqual([expect.stringMatching(/^connect-src blocked ws:/), expect.stringMatching(/^console: Connecting to .*connect-src 'none'/)]);
  } finally {
    await new Promise((done) => site.server.close(done));
  }
});
