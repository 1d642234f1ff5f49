import { expect, test } from '@playwright/test';
import { incus } from './support.js';
import { card, screenText, terminal, typeInto } from './page.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

/** Exit code of `test -f FILE` inside the agent: 0 when the file is there. */
async function hasFile(agent: string, file: string): Promise<boolean> {
  try {
    await incus(project(), 'exec', agent, '--', 'test', '-f', file);
    return true;
  } catch {
    return false;
  }
}

test('snapshot, roll back from the timeline, undo the rollback, clone the snapshot', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('travel');
  await page.getByTestId('create-agent').click();
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });

  await incus(project(), 'exec', 'travel', '--', 'sh', '-c', 'echo precious > /root/work.txt');

  // Take a named snapshot from the agent's timeline view.
  await card(page, 'travel').locator('[data-action="timeline"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="travel"]');
  await expect(view).toBeVisible();
  await view.getByTestId('snapshot-name').fill('with-work');
  await view.getByTestId('snapshot-comment').fill('work.txt written');
  await view.getByTestId('snapshot-create').click();
  const row = view.locator('[data-testid="snapshot-row"][data-snapshot="with-work"]');
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-kind', 'manual');
  await expect(row).toContainText('work.txt written');

  await incus(project(), 'exec', 'travel', '--', 'rm', '/root/work.txt');
  expect(await hasFile('travel', '/root/work.txt')).toBe(false);

  // Roll back: the confirmation says a safety snapshot comes first.
  await row.locator('[data-action="restore"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('safety snapshot');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('restore-done')).toBeVisible({ timeout: 30_000 });
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running');
  expect(await hasFile('travel', '/root/work.txt')).toBe(true);
  await expect(view.locator('[data-testid="snapshot-row"][data-kind="safety"]')).toHaveCount(1);

  // One click undoes it: back to the state before the rollback, without the file.
  await page.getByTestId('undo-restore').click();
  await expect.poll(() => hasFile('travel', '/root/work.txt'), { timeout: 30_000 }).toBe(false);
  await expect(card(page, 'travel')).toHaveAttribute('data-status', 'Running');

  // Clone the snapshot: a new running agent with the file, showing where it came from.
  await row.locator('[data-action="clone"]').click();
  const clone = page.getByTestId('clone-dialog');
  await expect(clone).toBeVisible();
  await clone.getByTestId('clone-name').fill('travel-fork');
  await clone.getByTestId('clone-create').click();
  await expect(card(page, 'travel-fork')).toHaveAttribute('data-status', 'Running', { timeout: 30_000 });
  await expect(card(page, 'travel-fork').getByTestId('cloned-from')).toContainText('travel');
  expect(await hasFile('travel-fork', '/root/work.txt')).toBe(true);

  await incus(project(), 'delete', '--force', 'travel-fork');
  await incus(project(), 'delete', '--force', 'travel');
});


/** Whether a process whose command line matches runs in the agent. */
async function runs(agent: string, pattern: string): Promise<boolean> {
  try {
    await incus(project(), 'exec', agent, '--', 'pgrep', '-f', pattern);
    return true;
  } catch {
    return false;
  }
}

test('rolling back a frozen agent says it restarts and runs, and it does; its terminal keeps the earlier output above the marker', async ({ page }) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('thaw');
  await page.getByTestId('create-agent').click();
  await expect(page.getByTestId('new-agent-dialog')).toHaveCount(0, { timeout: 60_000 });
  await expect(card(page, 'thaw')).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });

  // Output in the agent's terminal, and a process of its own.
  await card(page, 'thaw').locator('[data-action="terminal"]').click();
  const agentTerm = terminal(page, 'thaw', 'agent');
  await expect(agentTerm).toHaveAttribute('data-state', 'open');
  const id = (await agentTerm.getAttribute('data-terminal-id')) ?? '';
  await typeInto(page, 'thaw', 'agent', 'sleep 4321 & echo before-$((6*7))');
  await expect.poll(() => screenText(page, id)).toContain('before-42');
  expect(await runs('thaw', 'sleep 4321')).toBe(true);

  // A shell tab takes the dock: the agent's tab is not on screen during the rollback.
  await card(page, 'thaw').locator('[data-action="shell"]').click();
  await expect(terminal(page, 'thaw', 'shell')).toHaveAttribute('data-state', 'open');
  await expect(agentTerm).toHaveCount(0);

  // A snapshot, then freeze the agent.
  await card(page, 'thaw').locator('[data-action="timeline"]').click();
  const view = page.locator('[data-testid="agent-view"][data-agent="thaw"]');
  await view.getByTestId('snapshot-name').fill('known-good');
  await view.getByTestId('snapshot-create').click();
  const row = view.locator('[data-testid="snapshot-row"][data-snapshot="known-good"]');
  await expect(row).toBeVisible();
  await incus(project(), 'pause', 'thaw');
  await expect(card(page, 'thaw')).toHaveAttribute('data-status', 'Frozen', { timeout: 15_000 });

  // The dialog says what will happen to a frozen agent: it restarts and runs; what runs in it ends.
  await row.locator('[data-action="restore"]').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(page.getByTestId('confirm-lead')).toHaveText(
    'thaw is frozen; this restarts it: every process in it ends, its tmux session and scrollback too, and its 2 open terminals start over.',
  );
  await expect(confirm).toContainText('Then thaw runs from known-good, no longer frozen.');
  await expect(confirm).toContainText('processes are not kept');
  await expect(confirm).not.toContainText('stays so');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('restore-done')).toBeVisible({ timeout: 30_000 });

  // And so it is: running, its processes gone.
  await expect(card(page, 'thaw')).toHaveAttribute('data-status', 'Running');
  expect((await incus(project(), 'list', 'thaw', '-c', 's', '-f', 'csv')).trim()).toBe('RUNNING');
  expect(await runs('thaw', 'sleep 4321')).toBe(false);

  // Back to the agent's tab: the earlier output above Enclave's marker, the new session below.
  await page.keyboard.press('Escape');
  await page.locator(`[data-testid="terminal-tab"][data-terminal-id="${id}"]`).click();
  await expect(agentTerm).toHaveAttribute('data-state', 'open', { timeout: 20_000 });
  await expect(agentTerm.getByTestId('terminal-before-text')).toContainText('before-42');
  await expect(agentTerm.getByTestId('terminal-rollback-marker')).toContainText('Rolled back to known-good at');
  await expect(agentTerm.getByTestId('terminal-rollback-marker')).toContainText('processes restarted');
  const before = await agentTerm.getByTestId('terminal-before-text').boundingBox();
  const marker = await agentTerm.getByTestId('terminal-rollback-marker').boundingBox();
  const live = await agentTerm.locator('.xterm').boundingBox();
  expect(before && marker && live && before.y < marker.y && marker.y < live.y).toBe(true);
  await typeInto(page, 'thaw', 'agent', 'echo after-$((40+2))');
  await expect.poll(() => screenText(page, id)).toContain('after-42');
  expect(await screenText(page, id)).not.toContain('before-42');

  await incus(project(), 'delete', '--force', 'thaw');
});
