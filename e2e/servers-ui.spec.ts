import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { installServersBackend, serveStatic } from '../scripts/servers-fixture.mjs';
import { root } from './support.js';

/**
 * The renderer for many servers against the fixture backend of scripts/servers-fixture.mjs
 * (the same flows against real remotes are the backend's tests): grouping and filtering by
 * server, a refused server's cards kept apart, Settings → Servers, adding a server by token
 * and by a confirmed fingerprint, the wizard's server and member, copy and move.
 */
let site: { url: string; close(): Promise<void> };
test.beforeAll(async () => {
  site = await serveStatic(join(root, 'dist', 'renderer'));
});
test.afterAll(async () => {
  await site.close();
});

async function open(page: Page) {
  await page.addInitScript(installServersBackend, { now: Date.now() });
  await page.goto(site.url);
  await expect(page.getByTestId('server-section')).toHaveCount(4);
}

type Call = { method: string; args: Record<string, unknown> };
async function calls(page: Page, method: string): Promise<Record<string, unknown>[]> {
  return page.evaluate((m) => (window as unknown as { __servers: { calls: Call[] } }).__servers.calls.filter((c) => c.method === m).map((c) => c.args), method);
}

const card = (page: Page, ref: string) => page.locator(`[data-testid="agent-card"][data-agent="${ref}"]`);
const section = (page: Page, server: string) => page.locator(`[data-testid="server-section"][data-server="${server}"]`);

test('the grid has a section per server, bare names with a server badge, and a filter', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('server-section').locator('.server-section-name')).toHaveText(['local', 'cl', 'edge', 'lab']);
  await expect(card(page, 'lab:build').locator('[data-action="open-view"]')).toHaveText('build');
  await expect(card(page, 'lab:build').getByTestId('server-badge')).toHaveText('lab');
  await expect(card(page, 'cl:ci-1').getByTestId('server-badge')).toHaveText('cl · m1');
  await expect(section(page, 'lab').getByTestId('server-state')).toHaveText('Connected');

  await page.getByTestId('server-filter').selectOption('lab');
  await expect(page.getByTestId('server-section')).toHaveCount(1);
  await expect(page.getByTestId('agent-card')).toHaveCount(2);
  await page.getByTestId('server-filter').selectOption('all');
  await expect(page.getByTestId('agent-card')).toHaveCount(7);
});

test("a server refused for a changed certificate shows a warning on its own cards only, and Retry asks it again", async ({ page }) => {
  await open(page);
  const edge = section(page, 'edge');
  await expect(edge.getByTestId('server-state')).toHaveText('Certificate changed');
  await expect(edge.getByTestId('server-cert-warning')).toContainText('The certificate of edge changed');
  await expect(card(page, 'edge:old')).toHaveAttribute('data-stale', 'true');
  await expect(card(page, 'edge:old').getByTestId('server-stale-note')).toContainText('certificate changed');
  await expect(card(page, 'edge:old').locator('[data-action="stop"]')).toBeDisabled();
  // Every other server's cards are live.
  for (const ref of ['web', 'lab:build', 'cl:ci-1']) await expect(card(page, ref)).not.toHaveAttribute('data-stale', 'true');
  await expect(card(page, 'lab:build').locator('[data-action="stop"]')).toBeEnabled();

  await edge.locator('[data-action="retry-server"]').click();
  await expect.poll(() => calls(page, 'servers.retry')).toEqual([{ name: 'edge' }]);
});

test('a server that goes down greys its cards alone, and they come back when it does', async ({ page }) => {
  await open(page);
  await page.evaluate(() => {
    const fixture = (window as unknown as { __servers: { servers: { name: string; status: unknown }[]; emit(e: string, p: unknown): void } }).__servers;
    const lab = fixture.servers.find((s) => s.name === 'lab');
    if (lab) lab.status = { state: 'unavailable', socketPath: 'x', tried: [], problem: 'unreachable', message: 'Nothing answers at https://127.0.0.1:18443.', hint: 'Is it running?', nextRetryAt: new Date(Date.now() + 30_000).toISOString(), setup: { available: false, reason: null } };
    fixture.emit('servers.changed', fixture.servers.map((s) => ({ ...s })));
  });
  await expect(card(page, 'lab:build')).toHaveAttribute('data-stale', 'true');
  await expect(section(page, 'lab').getByTestId('server-problem')).toContainText('Nothing answers');
  await expect(card(page, 'web')).not.toHaveAttribute('data-stale', 'true');
  await expect(card(page, 'cl:ci-1')).not.toHaveAttribute('data-stale', 'true');

  await page.evaluate(() => {
    const fixture = (window as unknown as { __servers: { servers: { name: string; status: unknown }[]; emit(e: string, p: unknown): void } }).__servers;
    const lab = fixture.servers.find((s) => s.name === 'lab');
    if (lab) lab.status = { state: 'connected', socketPath: 'x', serverVersion: '6.0.4', project: 'enclave', storageDrivers: [], warning: null };
    fixture.emit('servers.changed', fixture.servers.map((s) => ({ ...s })));
  });
  await expect(card(page, 'lab:build')).not.toHaveAttribute('data-stale', 'true');
});

test('Settings → Servers lists every server with its trust and members, and hides a CLI remote after asking', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('settings-tab-servers').click();
  const entry = (name: string) => page.locator(`[data-testid="server-entry"][data-server="${name}"]`);
  await expect(page.getByTestId('server-entry')).toHaveCount(4);
  await expect(entry('local').getByTestId('server-source')).toHaveText('Local socket');
  await expect(entry('lab').getByTestId('server-fingerprint')).toHaveText(/^[0-9a-f]{8}…[0-9a-f]{4}$/);
  await expect(entry('edge').getByTestId('server-client-cert')).toHaveText("The incus CLI's");
  await expect(entry('edge').getByTestId('server-cert-warning')).toBeVisible();
  await expect(entry('local').locator('[data-action="remove-server"]')).toHaveCount(0);

  const members = entry('cl').getByTestId('cluster-member');
  await expect(members).toHaveCount(2);
  await expect(members.nth(0).getByTestId('member-status')).toHaveText('Online');
  await expect(members.nth(1).getByTestId('member-status')).toHaveText('Evacuated');
  await expect(members.nth(0)).toContainText('1.42 / 8 CPUs');
  await expect(members.nth(1)).toContainText('Unavailable due to maintenance');

  await entry('edge').locator('[data-action="hide-server"]').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('the CLI\'s config is not changed');
  await page.getByTestId('confirm').click();
  await expect(entry('edge')).toHaveCount(0);
  expect(await calls(page, 'servers.remove')).toEqual([{ name: 'edge' }]);
  // The Settings form itself was not submitted.
  expect(await calls(page, 'settings.update')).toEqual([]);

  await page.getByTestId('show-client-cert').click();
  await expect(page.getByTestId('client-cert-pem')).toContainText('BEGIN CERTIFICATE');
  await expect(page.getByTestId('client-certificate')).toContainText('incus config trust add-certificate FILE');
});

test('adding a server: a refused token shows on the token, a fingerprint is shown and confirmed before it is pinned', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('settings-tab-servers').click();
  await page.getByTestId('add-server').click();
  const dialog = page.getByTestId('add-server-dialog');

  await dialog.getByTestId('add-server-confirm').click();
  await expect(dialog.getByTestId('server-address-input-problem')).toContainText('Give the server address');

  await dialog.getByTestId('server-address-input').fill('https://lab.example:8443');
  await expect(dialog.getByTestId('server-name-input')).toHaveValue('lab-2');
  await dialog.getByTestId('server-token-input').fill('expired-aaaaaaaaaaaaaaaaaaaaaaaaaaaa');
  await dialog.getByTestId('add-server-confirm').click();
  await expect(dialog.getByTestId('server-token-input-problem')).toContainText('refused the trust token');

  await dialog.getByTestId('trust-fingerprint').check();
  await dialog.getByTestId('server-address-input').fill('nowhere.example');
  await dialog.getByTestId('check-fingerprint').click();
  await expect(dialog.getByTestId('server-address-input-problem')).toContainText('Nothing answers');

  await dialog.getByTestId('server-address-input').fill('trusted.example:8443');
  await dialog.getByTestId('server-name-input').fill('bench');
  await dialog.getByTestId('check-fingerprint').click();
  await expect(dialog.getByTestId('probe-fingerprint')).toHaveText(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  await expect(dialog.getByTestId('probe-auth')).toHaveText('Yes');
  const fingerprint = (await dialog.getByTestId('probe-fingerprint').textContent())?.replace(/ /g, '');
  await dialog.getByTestId('add-server-confirm').click();
  await expect(dialog).toHaveCount(0);
  expect((await calls(page, 'servers.add')).at(-1)).toEqual({ name: 'bench', address: 'https://trusted.example:8443', fingerprint });
  await expect(page.locator('[data-testid="server-entry"][data-server="bench"]')).toBeVisible();
  expect(await calls(page, 'settings.update')).toEqual([]);
});

test('the wizard offers connected servers, and on a cluster its online members', async ({ page }) => {
  await open(page);
  await page.getByTestId('new-agent').click();
  await page.getByTestId('wizard-step-name').click();
  const server = page.getByTestId('agent-server');
  await expect(server).toHaveValue('local');
  await expect(server.locator('option')).toHaveText(['local', 'cl (cluster of 2)', 'lab']);
  await expect(page.getByTestId('agent-member')).toHaveCount(0);

  await server.selectOption('cl');
  const member = page.getByTestId('agent-member');
  await expect(member.locator('option')).toHaveText(['Automatic (Incus placement)', 'm1', 'm2 (Evacuated)']);
  await expect(member.locator('option[value="m2"]')).toBeDisabled();
  await member.selectOption('m1');
  await page.getByTestId('agent-name').fill('ci-1');
  await expect(page.getByTestId('agent-name-problem')).toContainText('already exists on cl');
  await page.getByTestId('agent-name').fill('ci-3');
  await page.getByTestId('create-agent').click();
  await expect.poll(async () => (await calls(page, 'agents.create')).map((a) => [a.name, a.target])).toEqual([['cl:ci-3', 'm1']]);
  await expect(card(page, 'cl:ci-3')).toBeVisible();
});

test('copy to another server and move to another member, from the card menu', async ({ page }) => {
  await open(page);
  await card(page, 'web').locator('[data-action="agent-menu"]').click();
  await page.locator('[data-action="copy-to-server"]').click();
  const copy = page.getByTestId('copy-dialog');
  await expect(copy.getByTestId('copy-server').locator('option')).toHaveText(['cl', 'lab']);
  await copy.getByTestId('copy-server').selectOption('lab');
  await copy.getByTestId('copy-name').fill('web-copy');
  await copy.getByTestId('copy-confirm').click();
  await expect(copy).toHaveCount(0);
  expect(await calls(page, 'agents.copyTo')).toEqual([{ agent: 'web', server: 'lab', name: 'web-copy' }]);
  await expect(card(page, 'lab:web-copy')).toBeVisible();

  // Running: Move is offered but off until the agent is stopped.
  await card(page, 'cl:ci-1').locator('[data-action="agent-menu"]').click();
  await expect(page.locator('[data-action="move-to-member"]')).toBeDisabled();
  await page.keyboard.press('Escape');
  await card(page, 'cl:ci-2').locator('[data-action="agent-menu"]').click();
  await page.locator('[data-action="move-to-member"]').click();
  const move = page.getByTestId('move-dialog');
  await expect(move.getByTestId('move-member').locator('option[value="m2"]')).toBeDisabled();
  await expect(move.getByTestId('move-confirm')).toBeDisabled();
  // No local agent has a Move item.
  await page.keyboard.press('Escape');
  await card(page, 'api').locator('[data-action="agent-menu"]').click();
  await expect(page.locator('[data-action="move-to-member"]')).toHaveCount(0);
});
