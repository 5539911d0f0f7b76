// Mr Okafor's lecture (../shared/JOURNEYS.md, journey 2, steps 1–6), literally: a projector, one
// instructor and five students in their own browsers, students' terminals (real curl and python3).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';

interface Student {
  name: string;
  page: Page;
  context: BrowserContext;
  /** The data of every Server-Sent Event this browser received, as the network saw it. */
  sse: string[];
}

const NAMES = ['Maya', 'Ben', 'Chloé', 'Dev', 'Eun'];

/** A student's terminal. Asynchronous: the sandbox under test runs in this same process. */
const run = promisify(execFile);

/** A student joins from a page: the QR code's link (with its join secret), or the join page for the code. */
async function joinAsStudent(browser: import('@playwright/test').Browser, url: string, code: string, name: string): Promise<Student> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const sse: string[] = [];
  cdp.on('Network.eventSourceMessageReceived', (event) => sse.push(event.data));
  await page.goto(url);
  await expect(page.getByLabel('Room code')).toHaveValue(code);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByText(`You are in room ${code}`)).toBeVisible();
  return { name, page, context, sse };
}

/** The exchanges in a student's live feed, as the list announces them. */
function feed(page: Page) {
  return page.getByRole('list', { name: 'Live exchanges' }).getByRole('listitem');
}

async function expectLectureFeed(page: Page) {
  await expect(feed(page)).toHaveCount(4);
  const labels = await feed(page).evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')));
  expect(labels).toEqual([
    'Exchange 1: DELETE /api/books/3 → 401 Unauthorized',
    'Exchange 2: POST /api/session → 201 Created',
    'Exchange 3: DELETE /api/books/3 → 204 No Content',
    'Exchange 4: DELETE /api/books/3 → 404 Not Found',
  ]);
  // Each is explained in plain words, and the hidden session is said to be hidden.
  for (const item of await feed(page).all()) expect((await item.locator('p').nth(1).textContent())!.length).toBeGreaterThan(20);
  await expect(feed(page).nth(1)).toContainText(
    "Hidden from the room: Cookie: the instructor's sandbox cookie; the \"password\" field: the instructor's password; Set-Cookie: the instructor's session",
  );
}

/** The live exchange (status heading of the response) lies wholly inside the window, without scrolling. */
async function expectAboveTheFold(page: Page) {
  const heading = page.getByRole('region', { name: 'Response' }).getByRole('heading', { level: 2 });
  const box = (await heading.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

test('Mr Okafor’s lecture: every exchange reaches every student, nothing secret leaves him', async ({ browser, sandboxServer }, testInfo) => {
  test.setTimeout(240_000);
  const origin = sandboxServer.origin;

  // 1. Presenter view on the projector.
  const teacherContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const teacher = await teacherContext.newPage();
  await teacher.goto(`${origin}/?present=1`);
  await expect(teacher.getByRole('button', { name: 'Leave presenter view' })).toBeVisible();

  // 2. A room: the code on the projector, the QR code on demand, students join and the count rises.
  await teacher.getByRole('button', { name: 'Classroom' }).click();
  await teacher.getByRole('button', { name: 'Start a room' }).click();
  await expect(teacher.getByText('0 students joined')).toBeVisible();
  const code = (await teacher.getByLabel('Room code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  await expect(teacher.getByText(`Join at ${new URL(origin).host}/room/${code.replace('-', '')}`)).toBeVisible();
  await teacher.getByRole('button', { name: 'Show QR code' }).click();
  await expect(teacher.getByRole('img', { name: `QR code that joins room ${code}` })).toBeVisible();
  // What the QR code holds: the join page with the room's join secret after #.
  const qrLink = await teacher.getByLabel(/Join link to share/).inputValue();
  expect(qrLink).toMatch(new RegExp(`^${origin}/room/${code.replace('-', '')}#join=[\\w-]{22}$`));
  await teacher.getByRole('button', { name: 'Hide QR code' }).click();
  const students: Student[] = [];
  for (const [i, name] of NAMES.entries()) {
    // Some scan the QR code, the others open the address on the projector.
    const url = i % 2 === 0 ? qrLink : `${origin}/room/${code.replace('-', '')}`;
    students.push(await joinAsStudent(browser, url, code, name));
    await expect(teacher.getByText(`${students.length} ${students.length === 1 ? 'student' : 'students'} joined`)).toBeVisible();
  }

  // 3. He logs in and deletes book 3 twice; every student sees every exchange, in order, explained.
  const response = teacher.getByRole('region', { name: 'Response' });
  await teacher.getByLabel('Method').selectOption('DELETE');
  await teacher.getByLabel('URL').fill('/api/books/3');
  await teacher.getByLabel('URL').press('Control+Enter');
  await expect(response.getByRole('heading', { level: 2 })).toContainText('401');
  await response.getByRole('button', { name: /Log in as the demo user/ }).click();
  await expect(response.getByRole('heading', { level: 2 })).toContainText('201');
  await teacher.getByLabel('URL').press('Control+Enter');
  await expect(response.getByRole('heading', { level: 2 })).toContainText('204');
  await teacher.getByLabel('URL').press('Control+Enter');
  await expect(response.getByRole('heading', { level: 2 })).toContainText('404');
  for (const student of students) await expectLectureFeed(student.page);

  // The projector: the live exchange above the fold at 1920×1080 and at 1280×720.
  await expectAboveTheFold(teacher);
  await teacher.screenshot({ path: testInfo.outputPath('projector-1920x1080.png') });
  await teacher.setViewportSize({ width: 1280, height: 720 });
  await expectAboveTheFold(teacher);
  await teacher.screenshot({ path: testInfo.outputPath('projector-1280x720.png') });
  await teacher.setViewportSize({ width: 1920, height: 1080 });

  // A student who reloads still sees them.
  await students[0]!.page.reload();
  await expectLectureFeed(students[0]!.page);
  await students[0]!.page.screenshot({ path: testInfo.outputPath('student-1280.png'), fullPage: true });

  // Nothing secret of his reached any student's page or event stream.
  const secrets = await teacher.evaluate(() => {
    const jar = JSON.parse(localStorage.getItem('http-sandbox:cookies') ?? '{}');
    const room = JSON.parse(localStorage.getItem('http-sandbox:room') ?? '{}');
    const sid = (jar.state?.cookies ?? []).find((c: { name: string }) => c.name === 'sid')?.value as string;
    return { sid, key: room.state.membership.key as string, inboxKey: room.state.membership.created.inbox.key as string };
  });
  expect(secrets.sid).toMatch(/^s_/);
  for (const student of students) {
    const dom = await student.page.content();
    const stream = student.sse.join('\n');
    expect(stream).toContain('DELETE /api/books/3');
    for (const [what, secret] of Object.entries(secrets)) {
      expect(dom, `${what} in ${student.name}'s page`).not.toContain(secret);
      expect(stream, `${what} in ${student.name}'s event stream`).not.toContain(secret);
    }
    // The demo password is public (every 401 quotes it), but the password he typed is masked all the same.
    // (The login body as the page sent it, pretty-printed, as it stands inside an event's JSON.)
    expect(stream).toContain(JSON.stringify('"password": "••••"\n}').slice(1, -1));
    expect(stream).not.toContain(JSON.stringify('"password": "lovelace"\n}').slice(1, -1));
  }

  // 4. "Try this: make the server answer 304" — the roster shows who got there.
  await teacher.getByLabel('Method').selectOption('GET');
  await teacher.getByLabel('URL').fill('/api/books/1');
  await teacher.getByRole('button', { name: 'Controls' }).click();
  await teacher.getByLabel('Message').fill('Try this: make the server answer 304');
  await teacher.getByLabel('Goal for the roster').selectOption('status');
  await teacher.getByLabel('Status code').fill('304');
  await teacher.getByRole('button', { name: 'Push my request to everyone' }).click();
  await teacher.getByRole('button', { name: 'Controls' }).click();
  const [maya, ben] = students as [Student, Student];
  for (const student of students) await expect(student.page.getByRole('note', { name: 'Try this' })).toContainText('Goal: any request answered 304');

  // Ben sends the request as it is: 200, not yet. Maya revalidates with the ETag: 304, reached.
  await ben.page.getByRole('button', { name: 'Put it in my composer' }).click();
  await ben.page.getByLabel('URL').press('Control+Enter');
  await expect(ben.page.getByRole('note', { name: 'Try this' })).toContainText('Not yet: keep trying');
  await maya.page.getByRole('button', { name: 'Put it in my composer' }).click();
  await maya.page.getByLabel('URL').press('Control+Enter');
  const mayaResponse = maya.page.getByRole('region', { name: 'Response' });
  await expect(mayaResponse.getByRole('heading', { level: 2 })).toContainText('200');
  await mayaResponse.getByRole('tab', { name: /Headers/ }).click();
  const etag = (await mayaResponse.getByRole('row', { name: /^etag/i }).getByRole('cell').first().textContent())!.trim();
  expect(etag).toMatch(/^(W\/)?"/);
  const composer = maya.page.getByRole('form', { name: 'Request composer' });
  await composer.getByRole('tab', { name: /Headers/ }).click();
  await composer.getByRole('button', { name: 'Add header' }).click();
  const row = await composer.getByLabel(/^header \d+ name$/).count();
  await composer.getByLabel(`header ${row} name`).fill('If-None-Match');
  await composer.getByLabel(`header ${row} value`).fill(etag);
  await maya.page.getByLabel('URL').press('Control+Enter');
  await expect(mayaResponse.getByRole('heading', { level: 2 })).toContainText('304');
  await expect(maya.page.getByRole('note', { name: 'Try this' })).toContainText('Reached ✓');

  await teacher.getByRole('button', { name: 'Roster' }).click();
  const roster = teacher.getByRole('table', { name: 'Roster' });
  await expect(teacher.getByText(/Goal: any request answered 304 — 1 of 5 reached it/)).toBeVisible();
  await expect(roster.getByRole('row', { name: /Maya/ })).toContainText('reached ✓ (GET /api/books/1 → 304)');
  await expect(roster.getByRole('row', { name: /Ben/ })).toContainText('not yet (GET /api/books/1 → 200)');
  await expect(roster.getByRole('row', { name: /Chloé/ })).toContainText('not tried');
  await teacher.screenshot({ path: testInfo.outputPath('projector-roster.png') });
  await teacher.getByRole('button', { name: 'Roster' }).click();

  // 5. Students curl the room inbox from their terminals; the requests pour onto the projector.
  const curlLine = (await maya.page.getByLabel('Terminal command for the room inbox').textContent())!;
  expect(curlLine).toContain(`${origin}/inbox/`);
  await run('bash', ['-c', curlLine]);
  const inboxUrl = curlLine.split(' ').find((word) => word.includes('/inbox/'))!.replace(/hello$/, '');
  await run('curl', ['-s', '-o', '/dev/null', '-H', 'Authorization: Bearer bens-own-secret-1234', `${inboxUrl}from-ben?name=Ben`]);
  await run('python3', ['-c', `import urllib.request; urllib.request.urlopen(urllib.request.Request(${JSON.stringify(`${inboxUrl}from-python`)}, data=b'{"hi": 1}', headers={"Content-Type": "application/json"})).read()`]);
  await teacher.getByRole('button', { name: /^Inbox \(\d+\)$/ }).click();
  const captures = teacher.getByRole('list', { name: 'Captured requests' });
  await expect(captures.getByRole('listitem')).toHaveCount(3);
  // The newest are open, their raw headers on screen: different User-Agents to point at.
  await expect(teacher.getByLabel('Raw request #3')).toBeVisible();
  await expect(teacher.getByLabel('Raw request #3')).toContainText('User-Agent: Python-urllib/3.');
  await expect(teacher.getByLabel('Raw request #2')).toContainText(/User-Agent: curl\/\d/);
  await expect(teacher.getByLabel('Raw request #2')).toContainText("Authorization: Bearer •••• (hidden: the sender's credentials)");
  await teacher.screenshot({ path: testInfo.outputPath('projector-inbox.png') });
  for (const student of students) await expect(student.page.getByRole('list', { name: 'Captured requests' }).first().getByRole('listitem')).toHaveCount(3);
  expect(await teacher.content()).not.toContain('bens-own-secret-1234');
  // The captures come back after a reload, on the projector and on a student's screen.
  await teacher.reload();
  await teacher.getByRole('button', { name: /^Inbox \(3\)$/ }).click();
  await expect(teacher.getByRole('list', { name: 'Captured requests' }).getByRole('listitem')).toHaveCount(3);
  await ben.page.reload();
  await expect(ben.page.getByRole('region', { name: 'Room inbox' }).getByRole('listitem')).toHaveCount(3);

  // 6. "Server overloaded": students get 503 with Retry-After until he flips it back.
  await teacher.getByRole('button', { name: 'Controls' }).click();
  await teacher.getByRole('switch', { name: 'Server overloaded (503 + Retry-After)' }).check();
  const dev = students[3]!;
  await expect(dev.page.getByText(/switched on a fault: the server answers 503/)).toBeVisible();
  await dev.page.getByLabel('URL').fill('/api/books');
  await dev.page.getByLabel('URL').press('Control+Enter');
  const devResponse = dev.page.getByRole('region', { name: 'Response' });
  await expect(devResponse.getByRole('heading', { level: 2 })).toContainText('503');
  await devResponse.getByRole('tab', { name: /Headers/ }).click();
  await expect(devResponse.getByRole('row', { name: /^retry-after/i })).toBeVisible();
  await dev.page.screenshot({ path: testInfo.outputPath('student-503.png') });
  await teacher.getByRole('switch', { name: 'Server overloaded (503 + Retry-After)' }).uncheck();
  await expect(dev.page.getByText(/switched on a fault/)).toBeHidden();
  await dev.page.getByLabel('URL').press('Control+Enter');
  await expect(devResponse.getByRole('heading', { level: 2 })).toContainText('200');

  // A phone: the student's view fits 360 px.
  await students[4]!.page.setViewportSize({ width: 360, height: 740 });
  expect(await students[4]!.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await students[4]!.page.screenshot({ path: testInfo.outputPath('student-360.png'), fullPage: true });

  for (const student of students) await student.context.close();
  await teacherContext.close();
});
