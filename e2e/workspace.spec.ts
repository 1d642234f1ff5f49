import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { git, makeRepo } from '../electron/test-support/git-repo.js';
import { agentBranch } from '../shared/workspace.js';
import { incus } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

const AGENT = 'ws-copy';
const README = '# demo\n\nA project for the workspace e2e.\n';
const LINE = 'hello-from-the-agent';
const MESSAGE = 'Say hello in the README';

test.describe.configure({ mode: 'serial' });

let repo = '';
test.afterAll(async () => {
  await incus(project(), 'delete', '--force', AGENT).catch(() => undefined);
  if (repo) rmSync(repo, { recursive: true, force: true });
});

async function terminalId(page: Page): Promise<string> {
  const view = terminal(page, AGENT, 'agent');
  await expect(view).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  return (await view.getAttribute('data-terminal-id')) ?? '';
}

test('a project copied in by the wizard, changed in its terminal, reviewed in the Changes panel and fetched back as a branch', async ({ page }) => {
  repo = makeRepo({ 'README.md': README, 'src/app.ts': 'export const answer = 42;\n' }, { prefix: 'enclave-e2e-ws-' });
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
