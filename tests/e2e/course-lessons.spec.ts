// A learner walks the HTTPS, architecture and CORS lessons in Chromium: for each step, a wrong request
// first (a shortcut or a likely mistake), which shows the hint for that mistake and no success; then the
// step's own request, which passes. Lesson text renders as Markdown.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function send(page: Page, url?: string) {
  const field = page.getByRole('combobox', { name: 'URL' });
  if (url !== undefined) await field.fill(url);
  await field.press('Control+Enter');
}

async function wrongThenRight(page: Page, lessons: Locator, wrong: () => Promise<void>, mistake: RegExp) {
  await wrong();
  await expect(lessons.getByText(/^Not yet:/)).toBeVisible();
  await expect(lessons.getByText(mistake)).toBeVisible();
  await expect(lessons.getByText('Well done.')).toBeHidden();
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await send(page);
  await expect(lessons.getByText('Well done.')).toBeVisible();
}

test.describe('the course lessons, wrong then right', () => {
  test('HTTPS: sent to https, then behind the proxy where TLS ends', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/https/2`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await expect(lessons.getByRole('heading', { name: /Step 2 of 3: Sent to https/ })).toBeVisible();
    // A made-up redirect is not the page that insists on https.
    await wrongThenRight(page, lessons, () => send(page, '/redirect-to?url=/https-only&status_code=308'), /For this mistake: The URL is \/https-only\./);

    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    await expect(lessons.getByRole('heading', { name: /Step 3 of 3: Where TLS ends/ })).toBeVisible();
    // Plain http again (the previous request, without the proxy's header): the redirect, not HSTS.
    await wrongThenRight(page, lessons, () => send(page, '/https-only'), /For this mistake: Add the header X-Forwarded-Proto: https/);
    await expect(lessons.getByText(/HSTS/)).toBeVisible();
  });

  test('Architecture: through the proxy, then a bad gateway', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/proxies-gateways/1`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await expect(lessons.getByRole('heading', { name: /Step 1 of 4: Through a reverse proxy/ })).toBeVisible();
    await wrongThenRight(page, lessons, () => send(page, '/get'), /For this mistake: Put \/proxy in front of \/get\./);

    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    // The bare failure has no status at all; through the proxy it is a 502.
    await wrongThenRight(page, lessons, () => send(page, '/error/close'), /For this mistake: Go through the proxy, \/proxy\/error\/close\./);
    await expect(lessons.getByText(/502 Bad Gateway: the proxy is fine/)).toBeVisible();
  });

  test('CORS: a cross-origin read, then the preflight', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/cors/1`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await expect(lessons.getByRole('heading', { name: /Step 1 of 3: A cross-origin read/ })).toBeVisible();
    // The introduction is Markdown: inline code renders as code, not as backticks.
    await expect(lessons.locator('code', { hasText: 'Access-Control-*' }).first()).toBeVisible();
    await wrongThenRight(page, lessons, () => send(page, '/cors'), /For this mistake: Add the header Origin: http:\/\/app\.example — scheme and host/);

    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    await expect(lessons.getByRole('heading', { name: /Step 2 of 3: The preflight/ })).toBeVisible();
    // The GET of step 1 again: not a preflight.
    await wrongThenRight(page, lessons, () => send(page), /For this mistake: A preflight is an OPTIONS request\./);
  });
});
