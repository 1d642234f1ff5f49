import { expect, test, type Page } from '@playwright/test';

const url = () => process.env.ENCLAVE_URL ?? '';
const SECTIONS = ['limits', 'network', 'snapshots', 'guard', 'secrets'] as const;

test.use({ viewport: { width: 1280, height: 800 } });

test.beforeEach(async ({ page }) => {
  await page.goto(url());
  await expect(page.locator('[data-testid="new-agent"]:not([disabled])').first()).toBeVisible();
});

async function openSettings(page: Page) {
  await page.getByTestId('settings-open').click();
  await expect(page.getByTestId('settings-limits')).toBeVisible();
}

test('the gear and the theme toggle have names and tooltips of their own, at a size that is easy to hit', async ({ page }) => {
  const gear = page.getByTestId('settings-open');
  const theme = page.getByTestId('theme-toggle');
  await expect(gear).toHaveAccessibleName('Settings');
  await expect(gear).toHaveAttribute('title', /settings/i);
  const startTheme = (await page.evaluate(() => document.documentElement.dataset.theme)) ?? '';
  const other = startTheme === 'dark' ? 'light' : 'dark';
  await expect(theme).toHaveAccessibleName(`Switch to ${other} theme`);
  await expect(theme).toHaveAttribute('title', new RegExp(`Switch to ${other} theme`));

  for (const button of [gear, theme]) {
    const box = await button.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(32);
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(32);
  }
  // Aligned: the header's controls share one centre line.
  const centre = async (testId: string) => {
    const box = await page.getByTestId(testId).first().boundingBox();
    return Math.round((box?.y ?? 0) + (box?.height ?? 0) / 2);
  };
  expect(await centre('settings-open')).toBe(await centre('new-agent'));
  expect(await centre('theme-toggle')).toBe(await centre('new-agent'));

  // The other theme: the toggle now names the way back, and still differs from the gear.
  await theme.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', other);
  await expect(theme).toHaveAccessibleName(`Switch to ${startTheme} theme`);
  await expect(gear).toHaveAccessibleName('Settings');
});

test('every Settings section shows Save without scrolling at 1280x800', async ({ page }) => {
  await openSettings(page);
  for (const section of SECTIONS) {
    await page.getByTestId(`settings-tab-${section}`).click();
    await expect(page.getByTestId(`settings-tab-${section}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId(`settings-${section}`)).toBeVisible();
    await expect(page.getByTestId('settings-save')).toBeInViewport({ ratio: 1 });
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeInViewport({ ratio: 1 });
  }
});

test('the sections answer the arrow keys, keep what was typed, and mark the one with a field to fix', async ({ page }) => {
  await openSettings(page);
  const limitsTab = page.getByTestId('settings-tab-limits');
  // The dialog opens on the selected tab; the other tabs are reached with the arrows, not Tab.
  await expect(limitsTab).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('settings-tab-network')).toBeFocused();
  await expect(page.getByTestId('settings-network')).toBeVisible();
  await expect(page.getByTestId('settings-limits')).toBeHidden();
  await page.keyboard.press('End');
  await expect(page.getByTestId('settings-tab-servers')).toBeFocused();
  await expect(page.getByTestId('settings-servers')).toBeVisible();
  // Tab stays in the dialog from the selected tab too, not only from the first one.
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('settings-save')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('settings-tab-servers')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(limitsTab).toBeFocused();
  // From the tab, Tab goes into the section's fields.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('settings-limit-cpu')).toBeFocused();

  await page.getByTestId('settings-limit-memory').fill('lots');
  await page.getByTestId('settings-tab-snapshots').click();
  await expect(limitsTab).toHaveAttribute('data-invalid', 'true');
  await expect(limitsTab).toHaveAccessibleName(/has a field to fix/);
  await expect(page.getByTestId('settings-fix')).toContainText('Fix the marked field in Limits to save.');
  await expect(page.getByTestId('settings-save')).toBeDisabled();

  // The footer's link goes to the section, where the typed value is still there.
  await page.getByTestId('settings-fix').getByRole('button', { name: 'Show Limits' }).click();
  await expect(page.getByTestId('settings-limit-memory')).toHaveValue('lots');
  await expect(page.getByTestId('settings-limit-memory')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('settings-limit-memory').fill('2GiB');
  await expect(limitsTab).not.toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('settings-save')).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
});

test('a change made in one section is saved from another', async ({ page }) => {
  await openSettings(page);
  await page.getByTestId('settings-tab-snapshots').click();
  const expiry = page.getByTestId('settings-safety-expiry');
  const before = await expiry.inputValue();
  const changed = before === '3d' ? '4d' : '3d';
  await expiry.fill(changed);
  await expect(page.getByTestId('settings-tab-snapshots')).toHaveAttribute('data-changed', 'true');
  await expect(page.getByTestId('settings-unsaved')).toContainText('Unsaved changes in Snapshots.');
  await page.getByTestId('settings-tab-guard').click();
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-done').first()).toBeVisible();
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);

  await openSettings(page);
  await page.getByTestId('settings-tab-snapshots').click();
  await expect(expiry).toHaveValue(changed);
  // Back as it was: the run's settings are shared by the other specs.
  await expiry.fill(before);
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
});
