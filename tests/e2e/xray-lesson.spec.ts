// A learner walks the lesson "What the server does with your request" (issue 18) in Chromium: on every
// step a likely mistake first — a hint for that mistake, no success — then the step's own request, which
// passes; on the way they open the Server tab to see which part of the server decided, "Your data" to see
// their new book, and the Wire tab for Server-Timing. Screenshots at 1280, 360 and 1920 px.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const url = (page: Page) => page.getByRole('combobox', { name: 'URL' });

async function send(page: Page, target?: string, method?: string) {
  if (method !== undefined) await page.getByRole('combobox', { name: 'Method' }).selectOption(method);
  if (target !== undefined) await url(page).fill(target);
  await url(page).press('Control+Enter');
}

/** A wrong request shows "Not yet" and the hint for that mistake, not success; the step's own request passes. */
async function wrongThenRight(page: Page, lessons: Locator, wrong: () => Promise<void>, mistake: RegExp, right?: () => Promise<void>) {
  await wrong();
  await expect(lessons.getByText(/^Not yet:/)).toBeVisible();
  await expect(lessons.getByText(mistake)).toBeVisible();
  await expect(lessons.getByText('Well done.')).toBeHidden();
  if (right) {
    await right();
  } else {
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await send(page);
  }
  await expect(lessons.getByText('Well done.')).toBeVisible();
}

async function nextStep(lessons: Locator, heading: RegExp) {
  await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
  await expect(lessons.getByRole('heading', { name: heading })).toBeVisible();
}

test('a learner walks the X-ray lesson, wrong then right, and reads the Server tab', async ({ page, sandboxServer }, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(sandboxServer.origin);
  await page.getByRole('button', { name: 'Lessons' }).click();
  const lessons = page.getByRole('region', { name: 'Lessons' });
  await lessons.getByRole('link', { name: 'What the server does with your request' }).click();
  await expect(page).toHaveURL(/\/lessons\/inside-the-server\/1$/);
  await expect(lessons.getByRole('heading', { name: /Step 1 of 9: A path no route matches/ })).toBeVisible();
  const response = page.getByRole('region', { name: 'Response' });
  const status = response.getByRole('heading', { level: 2 });
  const serverTab = response.getByRole('tab', { name: /Server/ });
  const refusal = response.getByRole('note', { name: 'Where the server said no' });
  const path = response.getByRole('list', { name: "The request's path through the server" });

  // 1. A book that does not exist is a 404 too, but from the store, after a route matched.
  await wrongThenRight(page, lessons, () => send(page, '/api/books/999'), /For this mistake: This 404 came after a route matched/);
  await serverTab.click();
  await expect(refusal).toContainText('Refused at routing: No route matches GET /api/bookz/1');
  await expect(refusal).toContainText('The nearest route is /api/books/:id.');
  await expect(path.getByRole('listitem', { name: 'Router: refused the request' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Store: not reached' })).toBeVisible();

  // 2. The collection with a method it takes is no 405.
  await nextStep(lessons, /Step 2 of 9: A path without your method/);
  await wrongThenRight(page, lessons, () => send(page, '/api/books', 'GET'), /For this mistake: \/api\/books takes GET, HEAD, POST and OPTIONS/);
  await expect(response.getByRole('cell', { name: 'GET, HEAD, POST, OPTIONS' }).first()).toBeVisible();

  // 3. Reading needs no login: a 404, not the 401 of a change.
  await nextStep(lessons, /Step 3 of 9: Stopped before the handler/);
  await wrongThenRight(page, lessons, () => send(page, '/api/books/999', 'GET'), /For this mistake: Use DELETE, a change that needs a user\./);
  await expect(status).toContainText('401');
  await serverTab.click();
  await expect(refusal).toContainText('Refused at authentication: No session cookie or bearer token came with the request');
  await expect(path.getByRole('listitem', { name: 'Router: passed' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Handler: not reached' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Store: not reached' })).toBeVisible();

  // 4. A wrong password, then the right one.
  await nextStep(lessons, /Step 4 of 9: Log in/);
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
  const body = page.getByLabel('Body', { exact: true });
  await body.fill('{"username": "ada", "password": "Lovelace"}');
  await wrongThenRight(page, lessons, () => send(page), /For this mistake: 401 means the name or password is wrong/);

  // 5. Her own book is no 403; grace's book is refused by the owner rule, which the Server tab names.
  await nextStep(lessons, /Step 5 of 9: Refused by the owner rule/);
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await wrongThenRight(page, lessons, () => send(page, '/api/books/2'), /For this mistake: Pick one of grace's books, 7 to 12\./);
  await expect(status).toContainText('403');
  await serverTab.click();
  await expect(refusal).toContainText("Refused at authorisation: Only a book's owner may change it: book 7 belongs to grace, you are ada");
  await expect(path.getByRole('listitem', { name: 'Hooks: passed' })).toBeVisible();
  await expect(path.getByRole('listitem', { name: 'Handler: refused the request' })).toBeVisible();
  await expect(response.getByRole('list', { name: 'Steps on the server' })).toContainText('Logged in as ada (user 1)');
  await page.screenshot({ path: testInfo.outputPath('xray-lesson-403-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(refusal).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: testInfo.outputPath('xray-lesson-403-360.png'), fullPage: true });
  // Each half on its own, readable at phone width: the step with its explanation, and the Server tab.
  await lessons.screenshot({ path: testInfo.outputPath('xray-lesson-403-360-lesson.png') });
  await response.getByRole('tabpanel').screenshot({ path: testInfo.outputPath('xray-lesson-403-360-server.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('xray-lesson-403-1920.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // 6. A book without its year: validation refuses it; the whole book lands in the store and in Your data.
  await nextStep(lessons, /Step 6 of 9: Create a book, watch the store/);
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await page.getByRole('form', { name: 'Request composer' }).getByRole('tab', { name: /Body/ }).click();
  await body.fill('{"title": "Kindred", "author": "Octavia E. Butler"}');
  await wrongThenRight(page, lessons, () => send(page), /For this mistake: 401: log in first; 422: title, author and year are all required/);
  await expect(status).toContainText('201');
  await page.getByText(/^Your data \(sandbox/).click();
  const added = page.getByRole('table', { name: 'Your books' }).getByRole('row', { name: /: added by your last request$/ });
  await expect(added).toContainText('Kindred');
  const id = (await added.getByRole('cell').first().textContent())!.trim();
  await serverTab.click();
  await expect(response.getByRole('list', { name: 'Steps on the server' })).toContainText(`Inserted book ${id}`);
  await expect(response.getByRole('table', { name: 'What changed' })).toContainText('Octavia E. Butler');

  // 7. A seed book is not the one created; the created one shows its status before and after.
  await nextStep(lessons, /Step 7 of 9: Change it, before and after/);
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await wrongThenRight(page, lessons, () => send(page, '/api/books/1'), /For this mistake: PATCH the book you created in the previous step/, () => send(page, `/api/books/${id}`));
  await serverTab.click();
  const changed = response.getByRole('table', { name: 'What changed' });
  await expect(changed.getByRole('row', { name: 'status unread read' })).toBeVisible();
  await expect(changed.getByRole('row')).toHaveCount(2);

  // 8. The echo endpoint is not traced; a book is, and the Wire tab shows both headers.
  await nextStep(lessons, /Step 8 of 9: The X-ray on the wire/);
  await lessons.getByRole('button', { name: 'Fill in the request' }).click();
  await wrongThenRight(page, lessons, () => send(page, '/get'), /For this mistake: Read one book of the toy API/);
  await response.getByRole('tab', { name: 'Wire' }).click();
  await expect(response).toContainText('X-Sandbox-Trace: 1');
  await expect(response).toContainText(/server-timing: routing;dur=[\d.]+;desc="Matched the route GET \/api\/books\/:id"/i);
  // The learner copies the trace's path from the Headers tab.
  await response.getByRole('tab', { name: /^Headers/ }).click();
  const traceLink = (await response.getByRole('row', { name: /^x-sandbox-trace \/app\/traces\//i }).getByRole('cell').last().textContent())!.trim();
  expect(traceLink).toMatch(/^\/app\/traces\/[\w-]+$/);

  // 9. A made-up trace id is not this request's trace; the one the answer named is.
  await nextStep(lessons, /Step 9 of 9: Read the whole trace/);
  await wrongThenRight(page, lessons, () => send(page, '/app/traces/not-a-trace'), /For this mistake: Copy the path from the X-Sandbox-Trace response header/, () => send(page, traceLink));
  await expect(status).toContainText('200');
  await expect(lessons.getByText('You finished this lesson.')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('xray-lesson-done-1280.png'), fullPage: true });
});
