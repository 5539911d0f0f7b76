import { expect, test } from './fixtures';

test.describe('a student reading exchanges', () => {
  test('creates a book with the keyboard, sees 201 explained, and finds Location in the wire view', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    const composer = page.getByRole('form', { name: 'Request composer' });
    await page.getByLabel('Method').selectOption('POST');
    await composer.getByRole('tab', { name: /Headers/ }).click();
    await page.getByLabel('header 1 name').fill('Content-Type');
    await page.getByLabel('header 1 value').fill('application/json');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('header 2 name').fill('Authorization');
    // Log in first through the diagnosis fix, then send the real request.
    await composer.getByRole('tab', { name: /Body/ }).click();
    await page.getByLabel('Body type').selectOption('json');
    await page.getByLabel('Body', { exact: true }).fill('{"title": "Kindred", "author": "Octavia E. Butler", "year": 1979}');
    await page.getByLabel('Body', { exact: true }).press('Control+Enter');
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('401');
    await response.getByRole('button', { name: /Log in as the demo user/ }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('201');
    await composer.getByRole('tab', { name: /Headers/ }).click();
    await page.getByRole('button', { name: 'Remove header 2' }).click();
    await page.getByLabel('URL').press('Control+Enter');

    await expect(response.getByRole('heading', { level: 2 })).toContainText('201 Created');
    // The status is annotated from the lessons dataset, and so is each header name (on focus too).
    await expect(response.getByText(/^A new resource was created\. Location, when present, says where it is/)).toBeVisible();
    await expect(response.getByText('Next: Follow the Location header to the new resource.')).toBeVisible();
    await expect(response.getByRole('note', { name: 'Why this response' })).toContainText('The Location header says where the new resource lives');
    await response.getByRole('tab', { name: /Headers/ }).click();
    await response.getByRole('table', { name: 'Response headers' }).getByRole('button', { name: 'location' }).focus();
    await expect(response.getByRole('tooltip').filter({ hasText: 'Where a new resource was created (201)' })).toBeVisible();
    await response.getByRole('tab', { name: 'Wire' }).click();
    await expect(response.getByRole('list', { name: 'Response as received' })).toContainText(/location: \/api\/books\/13/i);
    await expect(response.getByRole('list', { name: 'Request as sent' })).toContainText('POST /api/books HTTP/1.1');
    await page.getByLabel('Show line endings (CR LF)').check();
    await expect(response.getByRole('list', { name: 'Request as sent' }).getByLabel('CR LF').first()).toBeVisible();
  });

  test('deletes a book twice: 204, then 404, each explained', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByLabel('Method').selectOption('DELETE');
    await page.getByLabel('URL').fill('/api/books/3');
    await page.getByLabel('URL').press('Control+Enter');
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('401');
    await response.getByRole('button', { name: /Log in as the demo user/ }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('201');

    await page.getByLabel('URL').press('Control+Enter');
    await expect(response.getByRole('heading', { level: 2 })).toContainText('204 No Content');
    await expect(response.getByRole('note', { name: 'Why this response' })).toContainText('the same DELETE again gets 404');
    await expect(response.getByText('No body: 204 No Content never has one.')).toBeVisible();

    await page.getByLabel('URL').press('Control+Enter');
    await expect(response.getByRole('heading', { level: 2 })).toContainText('404 Not Found');
    await expect(response.getByRole('note', { name: 'Why this response' })).toContainText('Book 3 does not exist');
  });

  test('imports a curl command and copies the request back as curl, with the page’s sandbox', async ({ page, sandboxServer, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(sandboxServer.origin);
    await page.getByRole('button', { name: 'Import curl' }).click();
    await page.getByLabel('Paste a curl command').fill(`curl -X PATCH '${sandboxServer.origin}/api/books/2' -H 'Content-Type: application/merge-patch+json' -d '{"status":"read"}' -o out.json`);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: 'Imported the curl command' });
    await expect(status).toBeVisible();
    // What the import left out is said, not dropped silently.
    await expect(status).toContainText('Ignored -o');
    await expect(page.getByLabel('Method')).toHaveValue('PATCH');
    // A URL on this sandbox becomes a path.
    await expect(page.getByLabel('URL')).toHaveValue('/api/books/2');

    await expect(page.getByText('The copy sends your sandbox cookie')).toBeVisible();
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const sandbox = /Cookie: sandbox=([a-z0-9]+)/.exec(copied)?.[1];
    expect(sandbox).toBeTruthy();
    expect(copied).toBe(
      [
        `curl -i -X PATCH ${sandboxServer.origin}/api/books/2 \\`,
        "  -H 'Content-Type: application/merge-patch+json' \\",
        `  -H 'Cookie: sandbox=${sandbox}' \\`,
        `  --data-raw '{"status":"read"}'`,
      ].join('\n'),
    );
    await expect(page.getByLabel('Code to copy')).toHaveText(copied);
  });

  test('a curl command with a binary body imports byte for byte and is sent as it was', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByRole('button', { name: 'Import curl' }).click();
    await page.getByLabel('Paste a curl command').fill(`printf 'a\\0b\\377' | curl -H 'Content-Type: application/octet-stream' --data-binary @- ${sandboxServer.origin}/anything`);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported the curl command' })).toContainText('kept byte for byte as a binary body');
    const composer = page.getByRole('form', { name: 'Request composer' });
    await composer.getByRole('tab', { name: /Body/ }).click();
    await expect(page.getByLabel('Body type')).toHaveValue('binary');
    await expect(composer.getByText('Sending body from the command: 4 bytes, exactly as they are.')).toBeVisible();
    await page.keyboard.press('Control+Enter');
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200');
    await response.getByRole('tab', { name: 'Wire' }).click();
    await expect(response.getByText('Content-Length: 4', { exact: false }).first()).toBeVisible();
  });

  test('what went out differently and what went wrong are shown: a body on GET, a closed connection, typed vs sent', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    const response = page.getByRole('region', { name: 'Response' });
    await page.getByLabel('URL').fill('/anything');
    await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
    await page.getByLabel('Body type').selectOption('text');
    await page.getByLabel('Body', { exact: true }).fill('a body on GET');
    await page.keyboard.press('Control+Enter');
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200');
    await expect(response.getByRole('list', { name: 'What went out differently' })).toContainText('This GET request carries a body of 13 bytes');

    await response.getByRole('tab', { name: 'Typed vs sent' }).click();
    const table = response.getByRole('table', { name: 'Typed versus sent headers' });
    await expect(table.getByRole('row', { name: /^host/i })).toContainText('added by the client');
    await expect(table.getByRole('row', { name: /^Cookie/ })).toContainText('added by the page');
    await expect(table.getByRole('row', { name: /^Cookie/ })).toContainText('sandbox picks your own sandbox');

    await page.getByLabel('Body type').selectOption('none');
    await page.getByLabel('URL').fill('/error/close');
    await page.keyboard.press('Control+Enter');
    await expect(response.getByRole('heading', { level: 2 })).toContainText('No response');
    await expect(response.getByRole('alert')).toContainText('closed the connection');
  });

  test('a damaged share link says so; a good one restores the request', async ({ page, sandboxServer, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`${sandboxServer.origin}/#r=1.broken`);
    await expect(page.getByRole('alert')).toContainText('damaged');
    await page.getByLabel('Method').selectOption('PUT');
    await page.getByLabel('URL').fill('/api/books/1?sandbox=shared-link');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/#r=1\./);
    const other = await page.context().newPage();
    await other.goto(link);
    await expect(other.getByLabel('Method')).toHaveValue('PUT');
    await expect(other.getByLabel('URL')).toHaveValue('/api/books/1?sandbox=shared-link');
  });
});
