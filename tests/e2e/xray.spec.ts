// The server X-ray as a student uses it (issue 18): a PATCH to someone else's book, the Server tab showing
// the owner rule that refused it with both names; a POST, and the new row marked in "Your data".
import { expect, test } from './fixtures';

test('a student sees where the server said no, and watches their data change', async ({ page, sandboxServer }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(sandboxServer.origin);
  const response = page.getByRole('region', { name: 'Response' });
  const heading = response.getByRole('heading', { level: 2 });
  const send = () => page.getByLabel('URL').press('Control+Enter');

  // PATCH book 7 (Grace's) as Ada: first the content type, then the login, then the owner rule.
  await page.getByLabel('Method').selectOption('PATCH');
  await page.getByLabel('URL').fill('/api/books/7');
  await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
  await page.getByLabel('Body type').selectOption('json');
  await page.getByLabel('Body', { exact: true }).fill('{"status": "read"}');
  await send();
  await expect(heading).toContainText('415');
  await response.getByRole('button', { name: 'Set Content-Type: application/json' }).click();
  await send();
  await expect(heading).toContainText('401');
  await response.getByRole('tab', { name: /Server/ }).click();
  await expect(response.getByRole('note', { name: 'Where the server said no' })).toContainText('Refused at authentication: No session cookie or bearer token came with the request: 401');
  await response.getByRole('button', { name: /Log in as the demo user/ }).click();
  await expect(heading).toContainText('201');
  await send();
  await expect(heading).toContainText('403');

  await response.getByRole('tab', { name: /Server/ }).click();
  const refusal = response.getByRole('note', { name: 'Where the server said no' });
  await expect(refusal).toContainText("Refused at authorisation: Only a book's owner may change it: book 7 belongs to grace, you are ada");
  const path = response.getByRole('list', { name: "The request's path through the server" });
  await expect(path.getByRole('listitem', { name: 'Router: passed' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Hooks: passed' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Handler: refused the request' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Serialiser: passed' })).toBeVisible();
  const steps = response.getByRole('list', { name: 'Steps on the server' });
  await expect(steps).toContainText('Logged in as ada (user 1)');
  await expect(steps).toContainText('Matched the route PATCH /api/books/:id');
  // The X-ray is on the wire too: the page asked for it, and the answer carries Server-Timing.
  await response.getByRole('tab', { name: 'Wire' }).click();
  await expect(response).toContainText('X-Sandbox-Trace: 1');
  await expect(response).toContainText(/server-timing: routing;dur=/i);
  await response.getByRole('tab', { name: /Server/ }).click();
  await page.screenshot({ path: testInfo.outputPath('xray-403-1280.png'), fullPage: true });

  // A POST: the new book appears in "Your data", marked.
  await page.getByText(/^Your data/).click();
  const books = page.getByRole('table', { name: 'Your books' });
  // The seed's 12 books, under a header row.
  await expect(books.getByRole('row')).toHaveCount(13);
  await page.getByLabel('Method').selectOption('POST');
  await page.getByLabel('URL').fill('/api/books');
  await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
  await page.getByLabel('Body', { exact: true }).fill('{"title": "Seen from the inside", "author": "Ada", "year": 2026}');
  await send();
  await expect(heading).toContainText('201');
  const added = books.getByRole('row', { name: /: added by your last request$/ });
  await expect(added).toHaveCount(1);
  await expect(added).toContainText('Seen from the inside');
  await response.getByRole('tab', { name: /Server/ }).click();
  await expect(response.getByRole('table', { name: 'What changed' })).toContainText('Seen from the inside');
  await page.screenshot({ path: testInfo.outputPath('xray-201-1280.png'), fullPage: true });

  // DELETE it: the row stays a moment, struck through and marked.
  await page.getByLabel('Method').selectOption('DELETE');
  const id = (await added.getByRole('cell').first().textContent())!.trim();
  await page.getByLabel('URL').fill(`/api/books/${id}`);
  await send();
  await expect(heading).toContainText('204');
  await expect(books.getByRole('row', { name: `books ${id}: deleted by your last request` })).toBeVisible();

  // On a phone: the Server tab and the data fit the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await response.getByRole('tab', { name: /Server/ }).click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: testInfo.outputPath('xray-360.png'), fullPage: true });
});
