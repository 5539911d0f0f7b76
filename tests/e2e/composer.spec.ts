import { expect, test } from './fixtures';

test.describe('a student at the composer', () => {
  test('finds GET /api/books ready and sends it with Ctrl+Enter', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await expect(page.getByLabel('Method')).toHaveValue('GET');
    await expect(page.getByLabel('URL')).toHaveValue('/api/books');
    await expect(page.getByText('Press Ctrl+Enter or Send')).toBeVisible();

    await page.getByLabel('URL').focus();
    await page.keyboard.press('Control+Enter');

    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200 OK');
    await expect(response.getByLabel('Response body')).toContainText('Structure and Interpretation of Computer Programs');
    await response.getByRole('tab', { name: /Headers/ }).click();
    await expect(response.getByRole('rowheader', { name: /x-total-count/i })).toBeVisible();
  });

  test('forgets Content-Type, is warned, gets 415, fixes it in one click, logs in, and creates a book in her own sandbox', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByLabel('Method').selectOption('POST');
    await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
    await page.getByLabel('Body type').selectOption('json');
    await page.getByLabel('Body', { exact: true }).fill('{"title": "Maya\'s book", "author": "Maya", "year": 2026}');
    await expect(page.getByText(/no Content-Type header/)).toBeVisible();

    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('415');

    await response.getByRole('button', { name: 'Set Content-Type: application/json' }).click();
    const composer = page.getByRole('form', { name: 'Request composer' });
    await expect(composer.getByRole('tab', { name: /Headers/ })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByLabel('header 2 name')).toHaveValue('Content-Type');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('401');

    await response.getByRole('button', { name: /Log in as the demo user/ }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('201');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('201 Created');
    await response.getByRole('tab', { name: /Headers/ }).click();
    await expect(response.getByRole('rowheader', { name: /location/i })).toBeVisible();

    // Her neighbour (no cookie: the shared demo sandbox) does not see it.
    const neighbour = await fetch(`${sandboxServer.origin}/api/books?q=Maya`);
    expect(await neighbour.json()).toEqual([]);
  });
});
