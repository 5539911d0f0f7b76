// Chaining a login and a write with {{variables}}: the token from POST /api/tokens and the Location of the
// 201 are captured, used in the next requests, shown in the Variables panel, and kept after a reload.
import { expect, test } from './fixtures';

test('a token and a Location flow from one request into the next', async ({ page, sandboxServer }) => {
  await page.goto(sandboxServer.origin);
  const composer = page.getByRole('form', { name: 'Request composer' });
  const status = page.getByRole('region', { name: 'Response' }).getByRole('heading', { level: 2 });
  const body = async (text: string) => {
    await composer.getByRole('tab', { name: /Body/ }).click();
    await page.getByLabel('Body type').selectOption('json');
    await composer.getByRole('textbox', { name: 'Body', exact: true }).fill(text);
  };

  // 1. Get a token: it is kept as {{token}}.
  await page.getByLabel('Method').selectOption('POST');
  await page.getByLabel('URL').fill('/api/tokens');
  await composer.getByRole('tab', { name: /Headers/ }).click();
  await page.getByLabel('header 1 name').fill('Content-Type');
  await page.getByLabel('header 1 value').fill('application/json');
  await body('{"username":"ada","password":"lovelace"}');
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('201');
  await page.getByText(/^Variables \(\d+\)$/).click();
  await expect(page.getByLabel('Value of token')).toHaveValue(/.{10,}/);

  // 2. Use it: a missing variable is pointed out before sending; the token one is not.
  await page.getByLabel('URL').fill('/api/books');
  await composer.getByRole('tab', { name: /Headers/ }).click();
  await composer.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('header 2 name').fill('Authorization');
  await page.getByLabel('header 2 value').fill('Bearer {{token}}');
  await body('{"title":"{{title}}","author":"Octavia E. Butler","year":1979}');
  await expect(composer.getByRole('list', { name: 'Warnings' })).toContainText('{{title}} has no value yet');
  await page.getByLabel('New variable name').fill('title');
  await page.getByLabel('New variable value').fill('Kindred (chained)');
  await page.getByRole('button', { name: 'Add variable' }).click();
  await expect(composer.getByRole('list', { name: 'Warnings' })).toHaveCount(0);
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('201 Created');
  await expect(page.getByLabel('Value of location')).toHaveValue(/^\/api\/books\/\d+$/);

  // 3. Follow the Location it captured.
  await page.getByLabel('Method').selectOption('GET');
  await page.getByLabel('URL').fill('{{location}}');
  await composer.getByRole('tab', { name: /Body/ }).click();
  await page.getByLabel('Body type').selectOption('none');
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('200 OK');
  await expect(page.getByRole('region', { name: 'Response' }).getByLabel('Response body')).toContainText('Kindred (chained)');

  // Kept in this browser.
  await page.reload();
  await page.getByText(/^Variables \(\d+\)$/).click();
  await expect(page.getByLabel('Value of title')).toHaveValue('Kindred (chained)');
  await page.getByRole('button', { name: 'Remove title' }).click();
  await expect(page.getByLabel('Value of title')).toHaveCount(0);
});
