import { expect, test } from './fixtures';

test.describe('first visit', () => {
  test('the composer is ready with GET /api/books and sends it with Ctrl+Enter', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await expect(page.getByLabel('Method')).toHaveValue('GET');
    await expect(page.getByLabel('URL')).toHaveValue('/api/books');
    await expect(page.getByText('Press Ctrl+Enter or Send')).toBeVisible();

    await page.getByLabel('URL').focus();
    await page.keyboard.press('Control+Enter');

    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200 OK');
    await expect(response.getByRole('rowheader', { name: 'x-total-count' })).toBeVisible();
    await expect(response.getByLabel('Response body')).toContainText('Structure and Interpretation of Computer Programs');
  });

  test('a POST without Content-Type gets 415, and a private sandbox keeps the new book', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Headers').fill('');
    await page.getByLabel('Body').fill('{"title": "My book", "author": "Me", "year": 2026}');
    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('415');

    await page.getByLabel('Headers').fill('Content-Type: application/json');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(response.getByRole('heading', { level: 2 })).toContainText('401');
    await expect(response.getByRole('rowheader', { name: 'www-authenticate' })).toBeVisible();
  });
});
