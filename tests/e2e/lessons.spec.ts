import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_DIST, PROJECT_ROOT } from '../../server/client-build';
import { startServer } from '../helpers/server';
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

  test('a redirect chain counts every hop, and the filled request follows redirects as the step needs', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/redirects/3`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    await expect(lessons.getByRole('heading', { name: /Step 3 of \d+: Follow a chain/ })).toBeVisible();
    // Not following: the first 302 is the final answer.
    await page.getByRole('combobox', { name: 'URL' }).fill('/redirect/3');
    await page.getByRole('combobox', { name: 'URL' }).press('Control+Enter');
    await expect(lessons.getByText(/^Not yet:/)).toBeVisible();
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await expect(page.getByRole('checkbox', { name: 'Follow redirects' })).toBeChecked();
    await page.getByRole('combobox', { name: 'URL' }).press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
  });

  test('a book created before the step counts as the one to read back', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/methods-crud/1`);
    const lessons = page.getByRole('region', { name: 'Lessons' });
    const url = page.getByRole('combobox', { name: 'URL' });
    await expect(lessons.getByRole('heading', { name: /Step 1 of \d+: Log in first/ })).toBeVisible();
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await url.press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    await lessons.getByRole('button', { name: 'Fill in the request' }).click();
    await url.press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
    await lessons.getByRole('button', { name: 'Next step', exact: true }).click();
    // A seed book is not the one created: the hint says so; the created book's Location passes.
    await page.getByRole('combobox', { name: 'Method' }).selectOption('GET');
    await url.fill('/api/books/1');
    await url.press('Control+Enter');
    await expect(lessons.getByText(/Not yet: the request went to \/api\/books\/1, not to \/api\/books\/\d+/)).toBeVisible();
    await expect(lessons.getByText(/For this mistake: Use the path from the Location header/)).toBeVisible();
    const created = (await lessons.getByText(/not to \/api\/books\/\d+/).textContent())!.match(/\/api\/books\/\d+(?=\.?$)/)![0];
    await url.fill(created);
    await url.press('Control+Enter');
    await expect(lessons.getByText('Well done.')).toBeVisible();
  });

  test('a deep link opens the step it names', async ({ page, sandboxServer }) => {
    await page.goto(`${sandboxServer.origin}/lessons/caching/3`);
    await expect(page.getByRole('region', { name: 'Lessons' }).getByRole('heading', { name: /Step 3 of \d+/ })).toBeVisible();
  });
});

test.describe('lesson text', () => {
  test('renders Markdown — lists, tables, emphasis, code, links — and shows raw HTML as text, running nothing', async ({ browser }) => {
    const dir = mkdtempSync(join(tmpdir(), 'markdown-lessons-'));
    cpSync(join(PROJECT_ROOT, 'lessons'), dir, { recursive: true });
    const file = join(dir, 'walkthroughs', '01-anatomy.md');
    const intro = [
      'A *short* introduction with **bold** text and `code`:',
      '',
      '- first item',
      '- second item',
      '',
      '| Part | Example |',
      '|---|---|',
      '| start line | `GET / HTTP/1.1` |',
      '',
      'See [RFC 9112](https://www.rfc-editor.org/rfc/rfc9112) and [this](javascript:window.__xss=1).',
      '',
      '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>',
    ].join('\n');
    writeFileSync(file, `${readFileSync(file, 'utf8').split('\n# Anatomy')[0]}\n# Anatomy\n\n${intro}\n`);
    const server = await startServer({ clientDir: CLIENT_DIST, lessonsDir: dir });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.origin}/lessons/anatomy/1`);
    const intro$ = page.getByRole('region', { name: 'Lessons' }).locator('.lesson-intro');
    await expect(intro$.locator('em', { hasText: 'short' })).toBeVisible();
    await expect(intro$.locator('strong', { hasText: 'bold' })).toBeVisible();
    await expect(intro$.getByRole('listitem')).toHaveText(['first item', 'second item']);
    await expect(intro$.getByRole('table').getByRole('cell', { name: 'GET / HTTP/1.1' })).toBeVisible();
    await expect(intro$.getByRole('link', { name: 'RFC 9112' })).toHaveAttribute('href', 'https://www.rfc-editor.org/rfc/rfc9112');
    await expect(intro$.getByRole('link', { name: 'RFC 9112' })).toHaveAttribute('rel', 'noopener noreferrer');
    // The javascript: link loses its URL, and raw HTML is shown as text, not turned into elements.
    expect(await intro$.getByText('this', { exact: true }).getAttribute('href')).not.toMatch(/javascript/i);
    await expect(intro$).toContainText('<img src=x onerror=');
    await expect(intro$.locator('img, script')).toHaveCount(0);
    await intro$.getByText('this', { exact: true }).click();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
    server.app.server.closeAllConnections();
    await server.close();
  });
});
