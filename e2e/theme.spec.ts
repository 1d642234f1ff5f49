import { expect, test } from '@playwright/test';

const url = () => process.env.ENCLAVE_URL ?? '';

test('the theme control goes System, Dark, Light and back to System, follows the system meanwhile, and keeps the choice', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(url());
  const control = page.getByTestId('theme-toggle');
  const html = page.locator('html');
  await expect(control).toHaveAttribute('data-theme-choice', 'system');
  await expect(html).toHaveAttribute('data-theme', 'light');
  // Following the system: its change shows at once.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(control).toHaveAccessibleName('Switch to light theme');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');

  await control.click();
  await expect(control).toHaveAttribute('data-theme-choice', 'dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await control.click();
  await expect(control).toHaveAttribute('data-theme-choice', 'light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  // A chosen theme holds when the system changes.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(control).toHaveAccessibleName('Follow the system theme');
  await control.click();
  await expect(control).toHaveAttribute('data-theme-choice', 'system');
  expect(await page.evaluate(() => localStorage.getItem('enclave.theme'))).toBeNull();

  // Saved: a reload keeps the choice.
  await control.click();
  await expect(control).toHaveAttribute('data-theme-choice', 'dark');
  await page.reload();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme-choice', 'dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
});
