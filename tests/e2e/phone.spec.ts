// Ade on a 360 px phone (../shared/JOURNEYS.md 3.4, issue 14): every tab of the composer and the response
// opens by tapping, the page never gets wider than the screen, and the answer is brought into view.
import { devices } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ ...devices['Pixel 5'], viewport: { width: 360, height: 740 } });

const pageWidth = (page: import('@playwright/test').Page) => page.evaluate(() => document.documentElement.scrollWidth);

test('at 360 px every tab opens by tapping and nothing is wider than the screen', async ({ page, sandboxServer }) => {
  await page.goto(sandboxServer.origin);
  const composer = page.getByRole('form', { name: 'Request composer' });
  const response = page.getByRole('region', { name: 'Response' });
  const status = response.getByRole('heading', { level: 2 });

  // Send with a tap: the status line is brought into view (the response sits below the composer here).
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(status).toContainText('200 OK');
  await expect(status).toBeFocused();
  await expect(status).toBeInViewport();

  for (const tab of ['Body', 'Headers', 'Cookies', 'Wire', 'Typed vs sent', 'Timing']) {
    await response.getByRole('tab', { name: new RegExp(`^${tab}`) }).tap();
    await expect(response.getByRole('tab', { name: new RegExp(`^${tab}`) })).toHaveAttribute('aria-selected', 'true');
    expect(await pageWidth(page), `${tab} tab`).toBeLessThanOrEqual(360);
  }
  for (const tab of ['Query', 'Headers', 'Body', 'Auth']) {
    await composer.getByRole('tab', { name: new RegExp(`^${tab}`) }).tap();
    await expect(composer.getByRole('tab', { name: new RegExp(`^${tab}`) })).toHaveAttribute('aria-selected', 'true');
    expect(await pageWidth(page), `composer ${tab} tab`).toBeLessThanOrEqual(360);
  }

  // The URL has a line of its own, and the header fields are wide enough to read what is in them.
  expect((await page.getByLabel('URL').boundingBox())!.width).toBeGreaterThan(300);
  await composer.getByRole('tab', { name: /^Headers/ }).tap();
  const name = page.getByLabel('header 1 name');
  const value = page.getByLabel('header 1 value');
  expect((await name.boundingBox())!.width).toBeGreaterThan(150);
  expect((await value.boundingBox())!.width).toBeGreaterThan(250);

  // A long URL and the copy box stay inside the screen too.
  await page.getByLabel('URL').fill(`/anything/${'a-very-long-path-segment/'.repeat(8)}?q=${'x'.repeat(80)}`);
  await page.getByRole('button', { name: 'Copy as curl' }).tap();
  await expect(page.getByLabel('Code to copy')).toBeVisible();
  await page.getByRole('button', { name: 'Send' }).tap();
  await expect(status).toContainText('200 OK');
  for (const tab of ['Wire', 'Typed vs sent', 'Timing']) {
    await response.getByRole('tab', { name: new RegExp(`^${tab}`) }).tap();
    expect(await pageWidth(page), `${tab} tab after a long URL`).toBeLessThanOrEqual(360);
  }
});
