import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { git, makeRepo } from '../electron/test-support/git-repo.js';
import { agentBranch } from '../shared/workspace.js';
import { incus } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

const AGENT = 'ws-copy';
const LATER = 'ws-later';
const README = '# demo\n\nA project for the workspace e2e.\n';
const LINE = 'hello-from-the-agent';
const MESSAGE = 'Say hello in the README';

test.describe.configure({ mode: 'serial' });

const repos: string[] = [];
test.afterAll(async () => {
  for (const name of [AGENT, LATER]) await incus(project(), 'delete', '--force', name).catch(() => undefined);
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

async function terminalId(page: Page): Promise<string> {
  const view = terminal(page, AGENT, 'agent');
  await expect(view).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  return (await view.getAttribute('data-terminal-id')) ?? '';
}

test('a project copied in by the wizard, changed in its terminal, reviewed in the Changes panel and fetched back as a branch', async ({ page }) => {
  const repo = makeRepo({ 'README.md': README, 'src/app.ts': 'export const answer = 42;\n' }, { prefix: 'enclave-e2e-ws-' });
  repos.push(repo);
  const head = git(repo, ['rev-parse', 'HEAD']).trim();

  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await expect(wizard.getByTestId('template-choice-shell').locator('input')).toBeChecked();
  await wizard.getByTestId('wizard-step-name').click();
  await wizard.getByTestId('agent-name').fill(AGENT);
  await page.getByTestId('wizard-next').click();

  // The project step: a copy of the folder, looked at as it is typed.
  await expect(wizard.locator('form')).toHaveAttribute('data-step', 'project');
  await wizard.getByTestId('project-choice-copy').click();
  await wizard.getByTestId('project-path').fill('relative/path');
  await expect(wizard.getByTestId('project-path-problem')).toContainText('absolute path');
  await expect(page.getByTestId('create-agent')).toBeDisabled();
  await wizard.getByTestId('project-path').fill(join(repo, 'no-such-folder'));
  await expect(wizard.getByTestId('project-path-problem')).toBeVisible();
  await wizard.getByTestId('project-path').fill(repo);
  await expect(wizard.getByTestId('project-headline')).toHaveText(`A git repository at main, ${head.slice(0, 7)}`);
  await expect(wizard.getByTestId('project-size')).toContainText('2 files');
  await expect(wizard.getByTestId('project-uncommitted')).toContainText('No uncommitted changes');
  await expect(page.getByTestId('create-blocker')).toHaveText('');

  await page.getByTestId('create-agent').click();
  await expect(wizard.getByTestId('wizard-progress-workspace')).toBeVisible();
  await expect(wizard).toHaveCount(0, { timeout: 90_000 });

  // The terminal the wizard opened starts in /workspace, on the agent's own branch.
  const id = await terminalId(page);
  await typeInto(page, AGENT, 'agent', 'echo "at=$(pwd) on=$(git branch --show-current)"');
  await expect.poll(() => screenText(page, id), { timeout: 20_000 }).toContain(`at=/workspace on=${agentBranch(AGENT)}`);
  await typeInto(page, AGENT, 'agent', `echo ${LINE} >> README.md && echo "done-$((6*7))"`);
  await expect.poll(() => screenText(page, id)).toContain('done-42');

  // The Changes panel shows the change, read from the agent.
  await card(page, AGENT).locator('[data-action="open-view"]').click();
  const view = page.locator(`[data-testid="agent-view"][data-agent="${AGENT}"]`);
  await expect(view).toBeVisible();
  const changes = view.getByTestId('changes-panel');
  await expect(changes).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  const file = changes.locator('[data-testid="changed-file"][data-path="README.md"]');
  await expect(file).toHaveAttribute('data-status', 'modified', { timeout: 30_000 });
  await file.click();
  await expect(changes.getByTestId('file-diff')).toHaveAttribute('data-path', 'README.md');
  await expect(changes.getByTestId('diff-text')).toContainText(LINE, { timeout: 15_000 });

  // Fetch as branch, the uncommitted work committed inside first with the user's message.
  await changes.locator('[data-action="fetch-branch"]').click();
  const gate = page.getByTestId('bring-back-dialog');
  await gate.getByTestId('gate-message').fill(MESSAGE);
  await gate.getByTestId('gate-confirm').click();
  await expect(gate.getByTestId('gate-result')).toContainText(`branch ${agentBranch(AGENT)}`, { timeout: 60_000 });
  await expect(gate.getByTestId('gate-result')).toContainText('committed inside the agent first');

  // On the host: the branch at the reviewed commit, with the line; the user's checkout untouched.
  const log = git(repo, ['log', '--format=%s', agentBranch(AGENT)]);
  expect(log.split('\n')[0]).toBe(MESSAGE);
  expect(git(repo, ['merge-base', '--is-ancestor', head, agentBranch(AGENT)])).toBe('');
  expect(git(repo, ['show', agentBranch(AGENT), '--', 'README.md'])).toContain(`+${LINE}`);
  expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(head);
  expect(git(repo, ['status', '--porcelain'])).toBe('');
  expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe(README);
});

test('an agent made without a project gets one from its Changes panel: Add a project… copies it in', async ({ page }) => {
  const repo = makeRepo({ 'notes.md': 'later\n' }, { prefix: 'enclave-e2e-ws-later-' });
  repos.push(repo);
  // An uncommitted change the user chooses to bring along.
  writeFileSync(join(repo, 'draft.md'), 'not committed yet\n');

  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  const wizard = page.getByTestId('new-agent-dialog');
  await wizard.getByTestId('wizard-step-name').click();
  await wizard.getByTestId('agent-name').fill(LATER);
  await page.getByTestId('create-agent').click();
  await expect(wizard).toHaveCount(0, { timeout: 90_000 });

  await card(page, LATER).locator('[data-action="open-view"]').click();
  const changes = page.locator(`[data-testid="agent-view"][data-agent="${LATER}"]`).getByTestId('changes-panel');
  await expect(changes).toHaveAttribute('data-state', 'no-workspace');
  await changes.locator('[data-action="add-project"]').click();

  const dialog = page.getByTestId('attach-workspace-dialog');
  await expect(dialog.getByTestId('project-choice-copy').locator('input')).toBeChecked();
  await expect(dialog.getByTestId('project-choice-none')).toHaveCount(0);
  await dialog.getByTestId('project-path').fill(repo);
  await expect(dialog.getByTestId('project-headline')).toContainText('A git repository at main');
  await dialog.getByTestId('project-uncommitted').locator('input').check();
  await dialog.getByTestId('attach-submit').click();
  await expect(dialog).toHaveCount(0, { timeout: 90_000 });

  expect((await incus(project(), 'config', 'get', LATER, 'user.enclave.workspace.mode')).trim()).toBe('copy');
  expect((await incus(project(), 'exec', LATER, '--', 'cat', '/workspace/draft.md')).trim()).toBe('not committed yet');
  await expect(changes).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });

  // The path is remembered for the next project.
  await page.getByTestId('new-agent').first().click();
  await wizard.getByTestId('wizard-step-project').click();
  await wizard.getByTestId('project-choice-copy').click();
  await expect(wizard.getByTestId('project-recent')).toContainText(repo);
  await page.keyboard.press('Escape');
});
