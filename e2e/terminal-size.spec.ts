import { expect, test, type Page } from '@playwright/test';
import { incus } from './support.js';
import { card, screenText } from './page.js';

/**
 * Issue #9 1b: the second agent terminal opened was drawn at xterm's default 80×24 while tmux
 * ran at the size estimated from the active tab, and no resize followed because the fitted
 * size equalled the estimate. Each terminal's xterm must draw at the size tmux has.
 */
const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const agentTerminal = (page: Page, agent: string) => page.locator(`[data-testid="terminal"][data-agent="${agent}"][data-kind="agent"]`);

interface Size {
  cols: number;
  rows: number;
}

async function drawnSize(page: Page, id: string): Promise<Size | null> {
  return page.evaluate((tid) => (window as unknown as { __enclaveTerminalSize(id: string): Size | null }).__enclaveTerminalSize(tid), id);
}

/** The size of the agent's tmux client (one client: the tab's), as `COLSxROWS`. */
async function tmuxClientSize(agent: string): Promise<string> {
  const out = await incus(project(), 'exec', agent, '--', 'tmux', 'list-clients', '-F', '#{client_width}x#{client_height}');
  return out.trim();
}

async function createAgent(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill(name);
  await page.getByTestId('create-agent').click();
  await expect(card(page, name)).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  // The wizard closes once the agent is ready, having opened (and focused) its terminal.
  await expect(page.getByTestId('new-agent-dialog')).toHaveCount(0, { timeout: 60_000 });
  await expect(agentTerminal(page, name)).toHaveAttribute('data-state', 'open');
}

/** Opens the agent's terminal from its card; resolves with the tab's terminal id. */
async function openAgentTab(page: Page, agent: string): Promise<string> {
  await card(page, agent).locator('[data-action="terminal"]').click();
  const view = agentTerminal(page, agent);
  await expect(view).toHaveAttribute('data-state', 'open');
  return (await view.getAttribute('data-terminal-id')) ?? '';
}

/**
 * xterm draws at what tmux has, and a typed command stays on its prompt's line, as does
 * tmux's status bar (its left part `[agent]` and its right part, the host name in quotes).
 */
async function expectDrawnAtTmuxSize(page: Page, agent: string, id: string, marker: string): Promise<void> {
  await expect
    .poll(async () => {
      const size = await drawnSize(page, id);
      return size ? `${size.cols}x${size.rows}` : 'none';
    })
    .toBe(await tmuxClientSize(agent));
  // Once more after the poll: tmux's client follows a resize the tab sent meanwhile.
  const size = await drawnSize(page, id);
  expect(await tmuxClientSize(agent)).toBe(`${size?.cols}x${size?.rows}`);

  await agentTerminal(page, agent).locator('.xterm').click();
  await page.keyboard.type(`echo ${marker}-$((6*7))`);
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(page, id)).toContain(`${marker}-42`);
  const text = await screenText(page, id);
  const lines = text.split('\n');
  const where = `${agent} drawn at ${JSON.stringify(await drawnSize(page, id))}, tmux ${await tmuxClientSize(agent)}:\n${text}`;
  const typed = lines.find((line) => line.includes(`echo ${marker}-$((6*7))`));
  expect(typed, 'the typed command is on a line of its own').toBeDefined();
  if (!typed?.startsWith('root@')) console.log(where);
  expect(typed, 'the typed command follows its prompt on one line').toMatch(new RegExp(`^root@${agent}:.*[#$] echo ${marker}-`));
  expect(lines.some((line) => line.includes('[agent]') && line.includes(`"${agent}"`)), `tmux status bar on one line in ${where}`).toBe(true);
}

/**
 * Holds the backend's replies to terminals.open for a moment while everything else passes at
 * once: a terminal's first output then arrives before the reply that names it, as it may
 * whenever the program draws quickly (tmux redrawing an attached session does).
 */
async function delayOpenReplies(page: Page, ms: number): Promise<void> {
  await page.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    const opens = new Set<number>();
    ws.onMessage((message) => {
      if (typeof message === 'string') {
        const frame = JSON.parse(message) as { t?: string; id?: number; method?: string };
        if (frame.t === 'call' && frame.method === 'terminals.open' && typeof frame.id === 'number') opens.add(frame.id);
      }
      server.send(message);
    });
    server.onMessage((message) => {
      if (typeof message === 'string') {
        const frame = JSON.parse(message) as { t?: string; id?: number };
        if (frame.t === 'reply' && typeof frame.id === 'number' && opens.delete(frame.id)) {
          setTimeout(() => ws.send(message), ms);
          return;
        }
      }
      ws.send(message);
    });
  });
}

test.describe.configure({ mode: 'serial' });

test('the second agent terminal opened draws at the size tmux has, and so does a reopened one', async ({ page }) => {
  await delayOpenReplies(page, 500);
  await page.goto(url());
  await createAgent(page, 'size-a');
  await createAgent(page, 'size-b');

  const a = await openAgentTab(page, 'size-a');
  await expectDrawnAtTmuxSize(page, 'size-a', a, 'first');

  const b = await openAgentTab(page, 'size-b');
  await expectDrawnAtTmuxSize(page, 'size-b', b, 'second');

  // Close B's tab (tmux only detaches) and open it again.
  let previous = b;
  for (let round = 1; round <= 2; round++) {
    await page.locator(`[data-testid="terminal-tab"][data-terminal-id="${previous}"] [data-testid="terminal-close"]`).click();
    await expect(agentTerminal(page, 'size-b')).toHaveCount(0);
    const again = await openAgentTab(page, 'size-b');
    expect(again).not.toBe(previous);
    await expectDrawnAtTmuxSize(page, 'size-b', again, `reopened${round}`);
    previous = again;
  }
});
