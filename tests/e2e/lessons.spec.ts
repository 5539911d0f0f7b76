import { expect, test } from './fixtures';

test.describe('a self-paced learner', () => {
  test('completes two steps, reloads and keeps the progress; a wrong request shows a hint, not success', async ({ page, sandboxServer }) => {
    await page.goto(sandboxServer.origin);
    await page.getByRole('button', { name: 'Lessons' }).click();
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await lessons.getByRole('link', { name: 'Anatomy of a request and a response' }).click();
    await expect(lessons.getByRole('heading', { name: /Step 1 of \d+: Ask for the list of books/ })).toBeVisible();
    await expect(page).toHaveURL(/\/lessons\/anatomy\/1$/);

    // A wrong request: a hint, not success.
    await page.getByLabel('URL').fill('/api/bookz');
    await page.getByLabel('URL').press('Control+Enter');
    await expect(lessons.getByText('Not yet: the request went to /api/bookz.')).toBeVisible();
    // The hint for the condition that failed comes first; the step's general hints on request.
    await expect(lessons.getByText('For this mistake: Check the path: it is /api/books, plural, all lower case, with no slash at the end.')).toBeVisible();
    await expect(lessons.getByText(/Hint 1:/)).toBeHidden();
    await lessons.getByRole('button', { name: 'Another hint' }).click();
    await expect(lessons.getByText('Hint 1: Use the method GET and the URL /api/books.')).toBeVisible();
    await lessons.getByRole('button', { name: 'Another hint' }).click();
    await expect(lessons.getByText(/Hint 2:/)).toBeVisible();
    await expect(lessons.getByText('Well done.')).toBeHidden();

    // The right request: success, then the next step.
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await page.getByLabel('URL').press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    await expect(lessons.getByRole('heading', { name: /Step 2 of \d+: Read a header/ })).toBeVisible();
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await page.getByLabel('URL').press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
    await expect(page).toHaveURL(/\/lessons\/anatomy\/2$/);

    // Tomorrow: the same link opens the same step, and the list shows the progress.
    await page.reload();
    await expect(lessons.getByRole('heading', { name: /Step 2 of \d+: Read a header ✓/ })).toBeVisible();
    await lessons.getByRole('button', { name: 'All lessons' }).click();
    await expect(lessons.getByRole('list', { name: 'Lessons' })).toContainText(/2\/\d+ steps/);
  });

  test('a deep link opens the step it names', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/caching/3`);
    await expect(page.getByRole('region', { name: 'Lessons' }).getByRole('heading', { name: /Step 3 of \d+/ })).toBeVisible();
  });
});
