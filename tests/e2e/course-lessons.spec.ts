// A learner walks the HTTPS, architecture and CORS lessons in Chromium: for each step, a wrong request
// first (a shortcut or a likely mistake), which shows the hint for that mistake and no success; then the
// step's own request, which passes. Lesson text renders as Markdown. And timeouts, hands-on: the wire
// lesson's timeout step wrong then right, and the composer's Timeout box by keyboard.
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { PROJECT_ROOT } from '../../server/client-build';
import { loadLessons } from '../../server/lessons/load-lessons';
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

test.describe('timeouts, hands-on', () => {
  test('the wire lesson: the answer arrives while the client waits 10 s, then a 1 s timeout gives up first', async ({ page, sandboxServer }, testInfo) => {
    test.setTimeout(60_000);
    const wire = loadLessons(join(PROJECT_ROOT, 'lessons')).find((l) => l.id === 'wire')!;
    const at = wire.steps.findIndex((step) => step.title === 'Stop waiting: a timeout') + 1;
    await page.goto(`${sandboxServer.origin}/lessons/wire/${at}`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    const timeout = page.getByRole('spinbutton', { name: 'Timeout' });
    await expect(lessons.getByRole('heading', { name: `Step ${at} of ${wire.steps.length}: Stop waiting: a timeout` })).toBeVisible();
    await expect(timeout).toHaveValue('10');

    // Wrong: the slow request with the default timeout. The answer comes (after 3 s), so no timeout.
    await send(page, '/delay/3');
    await expect(lessons.getByText(/^Not yet: a complete response came back \(200\)/)).toBeVisible({ timeout: 15_000 });
    await expect(lessons.getByText(/For this mistake: The answer arrived because the client waited long enough/)).toBeVisible();
    await expect(lessons.getByText('Well done.')).toBeHidden();

    // Right: Fill in the request sets the composer's Timeout to 1 s as well as the request.
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await expect(timeout).toHaveValue('1');
    await send(page);
    await expect(page.getByRole('heading', { name: 'No response' })).toBeVisible({ timeout: 5_000 });
    await expect(page.getByRole('alert').filter({ hasText: 'sent no response within 1000 ms' })).toBeVisible();
    await expect(lessons.getByText('Well done.')).toBeVisible();
    await expect(lessons.getByText(/RFC 9112 §9\.5/)).toBeVisible();

    for (const [width, height] of [[1280, 800], [360, 740], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: testInfo.outputPath(`timeout-step-${width}.png`), fullPage: width === 360 });
    }

    // Every other step's Fill in the request puts the default back.
    await lessons.getByRole('button', { name: 'Previous step' }).click();
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await expect(timeout).toHaveValue('10');
  });

  test('the composer’s Timeout works by keyboard, refuses what the send endpoint would, and is remembered', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    const follow = page.getByRole('checkbox', { name: 'Follow redirects' });
    const timeout = page.getByRole('spinbutton', { name: 'Timeout' });
    await expect(timeout).toHaveValue('10');
    await expect(timeout).toHaveAccessibleDescription('seconds');

    // From Follow redirects, Tab reaches the timeout; type a new one.
    await follow.focus();
    await page.keyboard.press('Tab');
    await expect(timeout).toBeFocused();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('40');
    await expect(timeout).toHaveAttribute('aria-invalid', 'true');
    await expect(timeout).toHaveAccessibleDescription(/^seconds: give 0\.1 to 30 \(sends wait 4 s until you do\)$/);
    // Leaving the box with a number out of range takes the nearest limit; with no number, the one in use.
    await page.keyboard.press('Tab');
    await expect(timeout).toHaveValue('30');
    await expect(timeout).not.toHaveAttribute('aria-invalid');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await expect(timeout).toHaveAttribute('aria-invalid', 'true');
    await page.keyboard.press('Tab');
    await expect(timeout).toHaveValue('30');

    await page.keyboard.press('Shift+Tab');
    await expect(timeout).toBeFocused();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await page.keyboard.press('ArrowUp');
    await expect(timeout).toHaveValue('1.1');

    // Remembered across a reload, like Follow redirects.
    await page.reload();
    await expect(timeout).toHaveValue('1.1');

    // And it is what the send uses: /delay/2 is cut off after 1.1 s.
    await send(page, '/delay/2');
    await expect(page.getByRole('alert').filter({ hasText: 'sent no response within 1100 ms' })).toBeVisible({ timeout: 5_000 });
  });
});
