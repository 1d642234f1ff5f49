import { expect, test } from '@playwright/test';
import { incus } from './support.js';

const url = () => process.env.ENCLAVE_URL ?? '';
const project = () => process.env.ENCLAVE_PROJECT ?? '';

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
/** "1.5 GiB" → bytes; NaN for anything not a size label. */
const bytesOf = (label: string) => {
  const m = /^(\d+(?:\.\d+)?) (B|KiB|MiB|GiB|TiB)$/.exec(label);
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? Number.NaN) : Number.NaN;
};

test("the card's graph reads idle, moves when the agent burns CPU, and reads stopped; binary memory ticks; the limits editor applies a change", async ({
  page,
}) => {
  await page.goto(url());
  await page.getByTestId('new-agent').first().click();
  await page.getByTestId('wizard-step-name').click();
  await page.getByTestId('agent-name').fill('burner');
  await page.getByTestId('create-agent').click();
  const card = page.locator('[data-testid="agent-card"][data-agent="burner"]');
  await expect(card).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
  // New agents are never unlimited: the settings' defaults applied.
  expect(await incus(project(), 'config', 'get', 'burner', 'limits.processes')).not.toBe('\n');

  const graphs = card.getByTestId('card-graphs');
  await expect.poll(async () => Number(await graphs.getAttribute('data-cpu')), { timeout: 10_000 }).toBeLessThan(20);
  // Idle is a drawn line with its values, not an empty box.
  await expect(graphs).toHaveAttribute('data-state', 'live');
  await expect.poll(async () => Number(await card.getByTestId('card-spark').getAttribute('data-samples'))).toBeGreaterThan(0);
  await expect(card.getByTestId('card-spark-note')).toHaveCount(0);
  await expect(card.getByTestId('card-cpu')).toContainText(/CPU \d+(\.\d)?% of/);
  await expect(card.getByTestId('card-memory')).toContainText(/Mem \d+(\.\d+)? (B|KiB|MiB|GiB)/);
  const burn = incus(project(), 'exec', 'burner', '--', 'timeout', '12', 'sh', '-c', 'while :; do :; done').catch(() => undefined);
  // Idle reads 0 or 1; a busy shared host may give the burner only a few percent of itself.
  await expect.poll(async () => Number(await graphs.getAttribute('data-cpu')), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect(card.getByTestId('card-cpu')).toContainText('%');

  await card.locator('[data-action="timeline"]').click();
  // Memory ticks on binary steps, each label exact: 0 B, 1 GiB, 2 GiB, never "954 MiB".
  const memory = page.locator('[data-chart="memory"] .chart-plot');
  await expect(memory).toHaveAttribute('data-y-ticks', /GiB|MiB/);
  const ticks = ((await memory.getAttribute('data-y-ticks')) ?? '').split('|').map(bytesOf);
  expect(ticks[0]).toBe(0);
  const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
  expect(Number.isInteger(Math.log2(step))).toBe(true);
  ticks.forEach((tick, i) => expect(tick).toBe(i * step));
  // Time labels, one per tick, never the same twice.
  const times = ((await memory.getAttribute('data-x-ticks')) ?? '').split('|').filter(Boolean);
  expect(times.length).toBeGreaterThan(1);
  expect(new Set(times).size).toBe(times.length);

  const editor = page.getByTestId('limits-editor');
  await expect(editor).toBeVisible();
  await editor.getByTestId('limit-processes').fill('321');
  await editor.getByTestId('limits-apply').click();
  await expect(page.getByTestId('limits-notes')).toBeVisible();
  await expect.poll(async () => (await incus(project(), 'config', 'get', 'burner', 'limits.processes')).trim()).toBe('321');

  await burn;
  // Stopped: said so, and no line.
  await incus(project(), 'stop', '--force', 'burner');
  await expect(card.getByTestId('card-spark-note')).toHaveText(/Stopped/);
  await expect(card.getByTestId('card-spark')).toHaveAttribute('data-samples', '0');
  await incus(project(), 'delete', '--force', 'burner');
});
