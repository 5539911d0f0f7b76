// Script payloads everywhere user text can appear; none may run. (The CSP would block inline script as
// well — this proves the text is never turned into markup in the first place.)
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { PROJECT_ROOT, CLIENT_DIST } from '../../server/client-build';
import { startServer } from '../helpers/server';
import { expect, test } from './fixtures';

const PAYLOAD = `<img src=x onerror="window.__xss=(window.__xss||0)+1"><script>window.__xss=(window.__xss||0)+1</script>"'><svg onload="window.__xss=1">`;

test('no script payload runs: bodies, headers, inbox captures, display names, share links', async ({ browser, sandboxServer }) => {
  const page = await (await browser.newContext()).newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(sandboxServer.origin);

  // A student joins a room with a payload as their name; their inbox answers with payloads in headers and body.
  await page.getByRole('button', { name: 'Classroom' }).click();
  await page.getByRole('button', { name: 'Start a room' }).click();
  await expect(page.getByText('0 students joined')).toBeVisible();
  const code = (await page.getByLabel('Room code').textContent())!.trim();
  const join = await request(`${sandboxServer.origin}/app/rooms/${code}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x<script>window.__xss=1</script>' }) });
  const student = (await join.body.json()) as { inbox: { id: string; key: string; url: string } };
  await expect(page.getByRole('table', { name: 'Roster' })).toContainText('<script>');

  await (await request(`${sandboxServer.origin}/app/inboxes/${student.inbox.id}/response`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${student.inbox.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 200, headers: [['Content-Type', 'text/html'], ['X-Evil', PAYLOAD]], body: PAYLOAD }),
  })).body.dump();
  // The room inbox captures a request full of payloads (path, header, body).
  const roomInbox = (await page.locator('.captures code').first().textContent())!;
  await (await request(`${roomInbox}${encodeURIComponent(PAYLOAD)}`, { method: 'POST', headers: { 'x-evil': PAYLOAD.replace(/[^\x20-\x7e]/g, '') }, body: PAYLOAD })).body.dump();
  await expect(page.getByRole('list', { name: 'Captured requests' })).toContainText('POST');
  await page.getByRole('list', { name: 'Captured requests' }).locator('summary').first().click();

  // The composer sends to the student's inbox: the HTML payload comes back as a body and a header.
  await page.getByLabel('URL').fill(`${student.inbox.url}page`);
  await page.getByLabel('URL').press('Control+Enter');
  const response = page.getByRole('region', { name: 'Response' });
  await expect(response.getByRole('heading', { level: 2 })).toContainText('200');
  await expect(response.getByLabel('Response body')).toContainText('<script>');
  for (const tab of ['Headers', 'Cookies', 'Wire', 'Typed vs sent', 'Timing']) await response.getByRole('tab', { name: new RegExp(tab) }).click();

  // A share link whose URL, headers and body carry payloads.
  await page.getByLabel('URL').fill(`/anything?q=${encodeURIComponent(PAYLOAD)}`);
  await page.getByRole('button', { name: 'Copy link' }).click().catch(() => undefined);

  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs.filter((d) => !d.startsWith('Copy this link'))).toEqual([]);
});

test('a lesson file with payloads shows them as text', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'xss-lessons-'));
  cpSync(join(PROJECT_ROOT, 'lessons'), dir, { recursive: true });
  const file = join(dir, 'walkthroughs', '01-anatomy.md');
  writeFileSync(file, readFileSync(file, 'utf8').replace('Ask for the list of books', `Ask ${PAYLOAD.replaceAll('"', "'")}`).replace('# Anatomy', `# Anatomy ${PAYLOAD}`));
  const server = await startServer({ clientDir: CLIENT_DIST, lessonsDir: dir });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.origin}/lessons/anatomy/1`);
  await expect(page.getByRole('region', { name: 'Lessons' }).getByRole('heading', { name: /Step 1 of \d+: Ask <img/ })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await page.close();
  server.app.server.closeAllConnections();
  await server.close();
});
