// The response viewer: JSON as a foldable, coloured tree; images as images; HTML as text, rendered on
// request in a frame that runs no script; the sequence diagram with its timings; "Lesson: …" opening the
// lesson beside the exchange without a reload.
import { expect, test } from './fixtures';

test.describe('reading a response', () => {
  test('JSON is a tree whose objects fold; Raw shows the bytes as they came', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await expect(page.getByLabel('URL')).toBeFocused();
    await page.keyboard.press('Control+Enter');
    const response = page.getByRole('region', { name: 'Response' });
    const body = response.getByLabel('Response body');
    await expect(body).toContainText('"title": "Structure and Interpretation of Computer Programs"');
    // The first book folds (its summary is a button-like control, reachable by keyboard).
    const firstBook = body.getByRole('group').nth(1);
    await expect(firstBook).toHaveAttribute('open', '');
    await firstBook.locator('> summary').focus();
    await page.keyboard.press('Enter');
    await expect(firstBook).not.toHaveAttribute('open', '');
    await expect(firstBook.locator('> summary')).toContainText(/… \d+ keys \}/);
    await response.getByLabel('Raw').check();
    await expect(response.getByLabel('Response body').getByRole('group')).toHaveCount(0);
    await expect(response.getByLabel('Response body')).toContainText('"id": 1,');
  });

  test('an image is shown as the image; HTML as text, rendered only on request and without scripts', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    const response = page.getByRole('region', { name: 'Response' });
    await page.getByLabel('URL').fill('/image');
    await page.getByLabel('header 1 value').fill('image/png');
    await page.keyboard.press('Control+Enter');
    const image = response.getByRole('img', { name: /The response body: a image\/png image|The response body: a image\/png/ });
    await expect(image).toBeVisible();
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    await page.getByLabel('URL').fill('/html');
    await page.getByLabel('header 1 value').fill('text/html');
    await page.keyboard.press('Control+Enter');
    await expect(response.getByLabel('Response body')).toContainText('<h1>A small page</h1>');
    await expect(response.locator('iframe')).toHaveCount(0);
    await response.getByLabel(/Render the HTML/).check();
    const frame = response.getByTitle('The HTML response, rendered without scripts');
    // No allow-scripts, no allow-same-origin; and a policy first in the document lets it load nothing.
    await expect(frame).toHaveAttribute('sandbox', '');
    await expect(frame).toHaveAttribute('srcdoc', /^<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    await expect(page.frameLocator('iframe[title="The HTML response, rendered without scripts"]').getByRole('heading', { name: 'A small page' })).toBeVisible();
  });

  test('the sequence diagram carries the timings and colours the answer by its class', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByLabel('URL').fill('/api/books/999');
    await page.keyboard.press('Control+Enter');
    const diagram = page.getByRole('img', { name: /Sequence of the exchange/ });
    await expect(diagram).toHaveAttribute('aria-label', /Server to client: 404 Not Found \(first byte at [\d.]+ ms, complete at [\d.]+ ms\)/);
    await expect(diagram.getByText(/^complete at|first byte at/)).toBeVisible();
    const colour = await diagram.locator('g', { hasText: '404 Not Found' }).evaluate((g) => getComputedStyle(g).color);
    const ok = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--client-error').trim());
    expect(colour).toBe(ok.startsWith('#') ? `rgb(${[1, 3, 5].map((i) => parseInt(ok.slice(i, i + 2), 16)).join(', ')})` : ok);
  });

  test('"Lesson: …" opens the lesson beside the exchange, without reloading the page', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await expect(page.getByLabel('URL')).toBeFocused();
    await page.keyboard.press('Control+Enter');
    const response = page.getByRole('region', { name: 'Response' });
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200 OK');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await response.getByRole('link', { name: /^Lesson: / }).click();
    await expect(page).toHaveURL(/\/lessons\/[a-z0-9-]+/);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await expect(response.getByRole('heading', { level: 2 })).toContainText('200 OK');
  });

  test('the page has a favicon', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    const icon = await page.request.get(new URL(href!, sandboxServer.origin).toString());
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('image/svg+xml');
  });
});
