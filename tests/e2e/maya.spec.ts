// Maya's journey (../shared/JOURNEYS.md, steps 1–6), literally: a fresh page, Ctrl+Enter at once, the wire,
// the 415 and its fix, the login, 201 in her own sandbox — then the request copied as curl and run in bash
// works the same, with her login or with the placeholder and its login step.
import { execFile } from 'node:child_process';
import { expect, test } from './fixtures';

function bash(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { timeout: 15_000, env: { ...process.env, NO_PROXY: '*', no_proxy: '*' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bash failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

test('Maya: from a fresh page to a book created from her terminal', async ({ page, sandboxServer, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const response = page.getByRole('region', { name: 'Response' });
  const composer = page.getByRole('form', { name: 'Request composer' });
  const status = response.getByRole('heading', { level: 2 });

  // 1. The composer is ready with GET /api/books, the URL field has focus, a one-line hint says what to do.
  await page.goto(sandboxServer.origin);
  await expect(page.getByLabel('URL')).toHaveValue('/api/books');
  await expect(page.getByLabel('URL')).toBeFocused();
  await expect(page.getByText('Press Ctrl+Enter or Send')).toBeVisible();

  // 2. Ctrl+Enter works at once, from wherever the focus is.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('200 OK');
  await expect(response.getByText('The request worked; the body carries the result.')).toBeVisible();
  await expect(response.getByLabel('Response body')).toContainText('"title"');
  await expect(response.getByRole('img', { name: /Sequence of the exchange/ })).toBeVisible();

  // 3. The wire view: the request exactly as it went.
  await response.getByRole('tab', { name: 'Wire' }).click();
  await expect(response.getByText('GET /api/books HTTP/1.1')).toBeVisible();

  // 4. POST with a JSON body but no Content-Type: a gentle warning, then 415 and a one-click fix.
  await page.getByLabel('Method').selectOption('POST');
  await composer.getByRole('tab', { name: /Body/ }).click();
  await page.getByLabel('Body type').selectOption('json');
  const title = `Maya's terminal book ${Date.now()}`;
  await page.getByLabel('Body', { exact: true }).fill(JSON.stringify({ title: `${title} (page)`, author: 'Maya', year: 2026 }));
  await expect(page.getByText(/no Content-Type header/)).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('415');
  await response.getByRole('button', { name: 'Set Content-Type: application/json' }).click();

  // 5. 401, the one-click login (kept in history), then 201 with Location pointed out.
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('401');
  await response.getByRole('button', { name: /Log in as the demo user/ }).click();
  await expect(status).toContainText('201');
  await expect(page.getByText(/History \(\d+\)/)).toContainText('History (4)');
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('201 Created');
  await response.getByRole('tab', { name: /Headers/ }).click();
  await expect(response.getByRole('rowheader', { name: /location/i })).toBeVisible();

  // 6. Copy as curl and run it in bash: the same status, the book in the same sandbox.
  await expect(page.getByText(/The copy would carry your session cookie/)).toBeVisible();
  await composer.getByRole('tab', { name: /Body/ }).click();
  await page.getByLabel('Body', { exact: true }).fill(JSON.stringify({ title, author: 'Maya', year: 2026 }));
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const withLogin = await page.evaluate(() => navigator.clipboard.readText());
  expect(withLogin).toContain('sid=');
  expect(await bash(withLogin)).toMatch(/^HTTP\/1\.1 201 Created/);

  // The placeholder leaves her session out and logs in for a token first; it works too.
  await page.getByLabel(/Leave it out/).check();
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const withPlaceholder = await page.evaluate(() => navigator.clipboard.readText());
  expect(withPlaceholder).not.toContain('sid=');
  expect(withPlaceholder).toContain('/api/tokens');
  expect(await bash(withPlaceholder)).toMatch(/^HTTP\/1\.1 201 Created/m);

  // Both books are in her sandbox, which the page reads: GET /api/books?q=… in the page finds two.
  await page.getByLabel('Method').selectOption('GET');
  await page.getByLabel('URL').fill(`/api/books?q=${encodeURIComponent("terminal book")}`);
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('200 OK');
  await response.getByRole('tab', { name: 'Body' }).click();
  await expect(response.getByLabel('Response body')).toContainText(title);
  // Her neighbour (the shared demo sandbox) sees none of it.
  const neighbour = await fetch(`${sandboxServer.origin}/api/books?q=${encodeURIComponent('terminal book')}`);
  expect(await neighbour.json()).toEqual([]);
});
