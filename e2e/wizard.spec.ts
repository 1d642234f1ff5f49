import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { TEST_AGENT_COMMAND } from '../electron/test-support/test-agent.js';
import { incus } from './support.js';
import { card, screenText } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';
const terminal = (page: Page, agent: string) => page.locator(`[data-testid="terminal"][data-agent="${agent}"][data-kind="agent"]`);

/** The secret reaches the command's environment: it prints the value's length, never the value. */
const COMMAND = `echo "token length \${#E2E_TOKEN}"; ${TEST_AGENT_COMMAND}`;

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await page.goto(url());
  await expect(page.getByTestId('new-agent').first()).toBeVisible();
});

test('a template made in the editor, its secret set in the wizard: the agent runs its command in the terminal and its card names the template', async ({ page }) => {
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await wizard.getByTestId('manage-templates').click();
  const manager = page.getByTestId('templates-dialog');
  await manager.getByTestId('template-new').click();
  const editor = manager.getByTestId('template-editor');

  // Each field says what is wrong with it, and Save waits for all of them.
  await editor.getByTestId('template-name').fill('E2E agent');
  await expect(editor.getByTestId('template-id')).toHaveValue('e2e-agent');
  await editor.getByTestId('template-prefix').fill('9tester');
  await expect(editor.getByTestId('template-problem-namePrefix')).toContainText('A name prefix is 1 to 40 lowercase letters');
  await editor.getByTestId('template-env-add').click();
  await editor.getByTestId('template-env-name-0').fill('PATH');
  await expect(editor.getByTestId('template-problem-env')).toHaveText('PATH is set by Enclave and tmux; a template cannot set it.');
  await editor.getByTestId('template-limit-memory').fill('lots');
  await expect(editor.getByTestId('template-problem-limits.memory')).toBeVisible();
  await expect(editor.getByTestId('template-save')).toBeDisabled();

  await editor.getByTestId('template-prefix').fill('tester');
  await editor.getByTestId('template-env-name-0').fill('E2E_MODE');
  await editor.getByTestId('template-env-value-0').fill('fast');
  await editor.getByTestId('template-limit-memory').fill('512MiB');
  await editor.getByTestId('template-command').fill(COMMAND);
  await editor.getByTestId('template-secret-add').click();
  await editor.getByTestId('template-secret-names-0').fill('E2E_TOKEN');
  await editor.getByTestId('template-secret-help-0').fill('Any ten characters');
  // Its own network, not the default of new agents.
  await editor.getByTestId('template-network-default').uncheck();
  await editor.getByTestId('template-network-mode-none').check();
  await expect(editor.getByTestId('template-invalid')).toHaveCount(0);
  await editor.getByTestId('template-save').click();
  await expect(manager.getByTestId('templates-item-e2e-agent')).toBeVisible();
  await manager.getByTestId('templates-close').click();
  await expect(manager).toHaveCount(0);

  // The wizard goes on with the template just saved: its name numbered from the prefix, its limits and network.
  await expect(wizard.getByTestId('template-choice-e2e-agent').locator('input')).toBeChecked();
  await wizard.getByTestId('template-choice-e2e-agent').click();
  await page.keyboard.press('Enter');
  await expect(wizard.getByTestId('agent-name')).toHaveValue('tester-1');
  await page.keyboard.press('Enter');
  // No project by default: Enter goes on.
  await expect(wizard.getByTestId('project-choice-none').locator('input')).toBeChecked();
  await page.keyboard.press('Enter');
  await expect(wizard.getByTestId('new-agent-limits-memory')).toHaveValue('512MiB');
  await page.getByTestId('wizard-next').click();
  await expect(wizard.getByTestId('new-agent-network-mode-none')).toBeChecked();
  await page.getByTestId('wizard-next').click();

  // The secret is not set: Create is blocked, naming it, until it is set here.
  await expect(wizard.getByTestId('secret-row-0')).toHaveAttribute('data-met', 'false');
  await expect(page.getByTestId('create-blocker')).toContainText('E2E agent needs the secret E2E_TOKEN');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await wizard.getByTestId('secret-set-0-value').fill('sekrit-123');
  await wizard.getByTestId('secret-set-0-value').press('Enter');
  await expect(wizard.getByTestId('secret-row-0')).toHaveAttribute('data-met', 'true');
  await expect(page.getByTestId('create-blocker')).toHaveText('');

  // Enter on the last step creates; the wizard shows the stages, then opens the terminal.
  await page.keyboard.press('Enter');
  await expect(wizard.getByTestId('wizard-progress')).toBeVisible();
  await expect(wizard).toHaveCount(0, { timeout: 60_000 });
  const view = terminal(page, 'tester-1');
  await expect(view).toHaveAttribute('data-state', 'open');
  const id = (await view.getAttribute('data-terminal-id')) ?? '';
  await expect.poll(() => screenText(page, id), { timeout: 30_000 }).toContain('test-agent: working');
  expect(await screenText(page, id)).toContain('token length 10');

  const tester = card(page, 'tester-1');
  await expect(tester.getByTestId('card-template')).toHaveText('E2E agent');

  // The card shows the agent waiting for its question; answered in the terminal the wizard opened, it works again.
  const badge = tester.getByTestId('run-status');
  await expect(badge).toHaveAttribute('data-state', 'waiting', { timeout: 30_000 });
  await expect.poll(() => screenText(page, id)).toContain('proceed? [y/n]');
  await view.locator('.xterm').click();
  await page.keyboard.type('y');
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(page, id)).toContain('test-agent: got y');
  await expect(badge).toHaveAttribute('data-state', 'working', { timeout: 15_000 });
  expect((await incus(project(), 'config', 'get', 'tester-1', 'user.enclave.template')).trim()).toBe('e2e-agent');
  expect((await incus(project(), 'config', 'get', 'tester-1', 'limits.memory')).trim()).toBe('512MiB');

  // The next one from the same template is numbered on.
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('new-agent-dialog').getByTestId('template-choice-e2e-agent').click();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('agent-name')).toHaveValue('tester-2');
  await page.keyboard.press('Escape');
  await incus(project(), 'delete', '--force', 'tester-1');
  await expect(tester).toHaveCount(0);
});

test('Enter goes on, Back keeps what was typed, Escape cancels without creating', async ({ page }) => {
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await expect(wizard.getByTestId('template-choice-shell').locator('input')).toBeChecked();
  await page.keyboard.press('Enter');
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'name');
  await wizard.getByTestId('agent-name').fill('kept-name');
  await wizard.getByTestId('agent-description').fill('kept too');
  await page.keyboard.press('Enter');
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'project');
  await page.keyboard.press('Enter');
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'limits');
  await wizard.getByTestId('wizard-back').click();
  await wizard.getByTestId('wizard-back').click();
  await wizard.getByTestId('wizard-back').click();
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'template');
  await page.keyboard.press('Enter');
  await expect(wizard.getByTestId('agent-name')).toHaveValue('kept-name');
  await expect(wizard.getByTestId('agent-description')).toHaveValue('kept too');

  // A bad name stops Enter on its step.
  await wizard.getByTestId('agent-name').fill('-bad');
  await page.keyboard.press('Enter');
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'name');
  await expect(wizard.getByTestId('wizard-next')).toBeDisabled();

  await page.keyboard.press('Escape');
  await expect(wizard).toHaveCount(0);
  expect(await incus(project(), 'list', '-c', 'n', '-f', 'csv')).not.toContain('kept-name');
});

test('a broken template file is listed by file and field; a built-in duplicates into an editable copy; a missing image is said plainly', async ({ page }) => {
  const dir = join(process.env.ENCLAVE_CONFIG_DIR ?? '', 'templates');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'hand-edited.json'), '{"id": "hand-edited", "name": 42}');

  const wizard = page.getByTestId('new-agent-dialog');
  // The backend may answer from a read of the folder made just before the file was written.
  await expect(async () => {
    if (await wizard.count()) await page.keyboard.press('Escape');
    await page.getByTestId('new-agent').first().click();
    await expect(wizard.getByTestId('wizard-template-errors')).toContainText('A template file did not load', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await wizard.getByTestId('manage-templates').click();
  const manager = page.getByTestId('templates-dialog');
  const error = manager.getByTestId('template-error');
  await expect(error).toContainText('hand-edited.json');
  await expect(error).toContainText('name');

  // A built-in is read-only; its copy is the user's to change.
  await manager.getByTestId('templates-item-shell').click();
  await expect(manager.getByTestId('template-summary')).toHaveAttribute('data-template', 'shell');
  await expect(manager.getByTestId('template-save')).toHaveCount(0);
  await manager.getByTestId('template-duplicate').click();
  const editor = manager.getByTestId('template-editor');
  await expect(editor.getByTestId('template-id')).toHaveValue('shell-copy');
  await expect(editor.getByTestId('template-name')).toHaveValue('Shell (copy)');
  await editor.getByTestId('template-image').fill('no-such-image');
  // Unsaved changes are not dropped without asking.
  await manager.getByTestId('templates-item-codex').click();
  await page.getByTestId('confirm-dialog').getByTestId('cancel').click();
  await expect(editor.getByTestId('template-image')).toHaveValue('no-such-image');
  await editor.getByTestId('template-save').click();
  await expect(manager.getByTestId('templates-item-shell-copy')).toBeVisible();
  await manager.getByTestId('templates-close').click();

  await wizard.getByTestId('template-choice-shell-copy').click();
  await expect(wizard.getByTestId('wizard-missing-image')).toContainText('Image no-such-image is not here: build it in Images.');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  // Its button leads to the images view, the build form filled in for that image.
  await wizard.getByTestId('wizard-build-image').click();
  await expect(wizard).toHaveCount(0);
  await expect(page.getByTestId('images-view')).toBeVisible();
  await expect(page.getByTestId('build-alias')).toHaveValue('no-such-image');
  await page.getByTestId('images-back').click();

  // Deleted again from the manager.
  await page.getByTestId('new-agent').first().click();
  await wizard.getByTestId('manage-templates').click();
  await manager.getByTestId('templates-item-shell-copy').click();
  await manager.getByTestId('template-delete').click();
  await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
  await expect(manager.getByTestId('templates-item-shell-copy')).toHaveCount(0);
});
