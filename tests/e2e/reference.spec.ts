// A learner browses the reference: status codes by class with the registry's counts, what comes with a
// code, and "Try it", which fills the composer with a request that really gets that code.
import { expect, test } from './fixtures';

test.describe('the reference', () => {
  test('shows every class with its counts, the methods table and the headers; Try it really gets 405', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/reference`);
    const reference = page.getByRole('region', { name: 'Reference' });
    for (const [klass, text] of [
      ['1xx Informational', '4 registered'],
      ['2xx Success', '10 registered'],
      ['3xx Redirection', '9 registered'],
      ['4xx Client error', '28 registered, plus 418'],
      ['5xx Server error', '11 registered'],
    ] as const) {
      await expect(reference.getByRole('heading', { name: new RegExp(`^${klass}`) })).toContainText(text);
    }

    // One entry, opened: what comes with it, cacheable by default, an example, and Try it.
    await reference.getByText('405 Method Not Allowed', { exact: true }).click();
    const entry = reference.locator('#status-405');
    await expect(entry).toContainText('Allow (must)');
    await expect(entry).toContainText('Cacheable by default');
    await expect(entry.locator('pre')).toContainText('PUT /api/books HTTP/1.1');
    await entry.getByRole('button', { name: 'Try it: PUT /api/books' }).click();
    const url = page.getByRole('combobox', { name: 'URL' });
    await expect(url).toHaveValue('/api/books');
    await url.press('Control+Enter');
    await expect(page.getByText('405 Method Not Allowed').last()).toBeVisible();

    // Search narrows the list; the methods table says what is safe, idempotent and cacheable.
    await reference.getByLabel('Search the reference').fill('teapot');
    await expect(reference.locator('#status-418')).toBeVisible();
    await expect(reference.locator('#status-404')).toHaveCount(0);
    await reference.getByLabel('Search the reference').fill('');
    await reference.getByRole('tab', { name: /Methods/ }).click();
    const post = reference.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'POST', exact: true }) });
    await expect(post).toContainText('yes, conditionally. Only when the answer has explicit freshness');
    await reference.getByRole('tab', { name: /Headers/ }).click();
    await expect(reference.getByText(/^\d+ headers\./)).toBeVisible();
    await expect(reference.locator('#header-idempotency-key')).toBeVisible();
  });
});
