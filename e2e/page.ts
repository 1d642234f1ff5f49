/** What the specs read and do on Enclave's page: cards, terminals and their text. */
import type { Locator, Page } from '@playwright/test';

export const card = (page: Page, name: string): Locator => page.locator(`[data-testid="agent-card"][data-agent="${name}"]`);

export const terminal = (page: Page, agent: string, kind: 'agent' | 'shell'): Locator =>
  page.locator(`[data-testid="terminal"][data-agent="${agent}"][data-kind="${kind}"]`);

/** The terminal's buffer as text, whatever renderer xterm chose (WebGL, DOM). */
export async function screenText(page: Page, id: string): Promise<string> {
  return page.evaluate((tid) => (window as unknown as { __enclaveTerminalText(id: string): string }).__enclaveTerminalText(tid), id);
}

export async function typeInto(page: Page, agent: string, kind: 'agent' | 'shell', text: string): Promise<void> {
  await terminal(page, agent, kind).locator('.xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}
