import { request } from 'undici';
import { CLIENT_DIST } from '../../server/client-build';
import { startServer } from '../helpers/server';
import { expect, test } from './fixtures';

test.describe('a live classroom', () => {
  test('the instructor’s exchanges and a student’s inbox captures appear live', async ({ browser, sandboxServer }) => {
    const teacher = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await teacher.goto(sandboxServer.origin);
    await teacher.getByRole('button', { name: 'Classroom' }).click();
    await teacher.getByRole('button', { name: 'Start a room' }).click();
    await expect(teacher.getByText('0 students joined')).toBeVisible();
    const code = (await teacher.getByLabel('Room code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    await expect(teacher.getByRole('img', { name: `QR code that joins room ${code}` })).toBeVisible();

    // The student types the code from the projector, in lower case, on the app's own page.
    const student = await (await browser.newContext()).newPage();
    await student.goto(sandboxServer.origin);
    await student.getByRole('button', { name: 'Classroom' }).click();
    await student.getByLabel('Room code').fill(code.toLowerCase());
    await student.getByLabel('Your name').fill('Maya <b>');
    await student.getByRole('button', { name: 'Join' }).click();
    await expect(student.getByText(`You are in room ${code}`)).toBeVisible();
    await expect(teacher.getByText('1 student joined')).toBeVisible();
    await expect(teacher.getByRole('table', { name: 'Roster' })).toContainText('Maya <b>');

    // The instructor deletes a book twice; both exchanges reach the student live.
    await teacher.getByLabel('Method').selectOption('DELETE');
    await teacher.getByLabel('URL').fill('/api/books/3');
    await teacher.getByLabel('URL').press('Control+Enter');
    const feed = student.getByRole('list', { name: 'Live exchanges' });
    await expect(feed).toContainText('DELETE /api/books/3');
    await expect(feed).toContainText('401');

    // A plain HTTP client sends to the student's own inbox; it appears on the student's page without reload.
    await student.getByText('Your own inbox (0)').click();
    const own = student.getByRole('region', { name: 'Your inbox' });
    const command = (await own.getByLabel('Terminal command for your inbox').textContent())!;
    const inbox = /(http:\/\/\S+\/inbox\/[\w-]+\/)/.exec(command)![1]!;
    const sent = await request(`${inbox}hello?from=terminal`, { method: 'POST', headers: { 'user-agent': 'curl/8.5.0', 'x-first': '1' }, body: 'hi' });
    await sent.body.dump();
    const captures = own.getByRole('list', { name: 'Captured requests' });
    await expect(captures).toContainText('POST');
    await expect(captures).toContainText('curl/8.5.0');

    // The student chooses to share progress; the roster shows their last exchange.
    await student.getByLabel('Share my last exchange with the instructor').check();
    await student.getByLabel('URL').fill('/api/books?page=1');
    await student.getByLabel('URL').press('Control+Enter');
    await expect(teacher.getByRole('table', { name: 'Roster' })).toContainText('GET /api/books?page=1 → 200');

    // The student makes the inbox answer 418; a client now gets that.
    await own.getByText('What the inbox answers').click();
    await student.getByLabel('Status', { exact: true }).fill('418');
    await student.getByRole('button', { name: "Save the inbox's answer" }).click();
    await expect(student.getByText('Saved: the inbox now answers 418.')).toBeVisible();
    const teapot = await request(`${inbox}again`);
    await teapot.body.dump();
    expect(teapot.statusCode).toBe(418);

    // Fault switch: the student sees it while it is on.
    await teacher.getByRole('switch', { name: 'Server overloaded (503 + Retry-After)' }).check();
    await expect(student.getByText(/switched on a fault: the server answers 503/)).toBeVisible();
    await teacher.getByRole('switch', { name: 'Server overloaded (503 + Retry-After)' }).uncheck();
    await expect(student.getByText(/switched on a fault/)).toBeHidden();

    // The student lets the instructor show their data; the instructor puts it on screen.
    await student.getByLabel('Let the instructor show my data (books, comments…) on the projector').check();
    await teacher.getByRole('button', { name: "Show Maya <b>'s data" }).click();
    await expect(teacher.getByText(/^Maya <b>'s data$/)).toBeVisible();
    await expect(teacher.getByRole('table', { name: 'Your books' }).getByRole('row')).toHaveCount(13);
    await teacher.getByRole('button', { name: 'Back to your own data' }).click();
    await expect(teacher.getByText(/^Your data$/)).toBeVisible();
    // A sandbox's name is its key: neither the instructor's nor Maya's is on the instructor's screen.
    const names = await teacher.evaluate(() => {
      const created = JSON.parse(localStorage.getItem('http-sandbox:room')!).state.membership.created;
      return [created.sandbox as string];
    });
    const mayaSandbox = await student.evaluate(() => JSON.parse(localStorage.getItem('http-sandbox:room')!).state.membership.joined.sandbox as string);
    const screen = await teacher.locator('body').innerText();
    for (const name of [...names, mayaSandbox]) expect(screen).not.toContain(name);

    // The inbox on a page of its own: what arrived so far, then new captures live.
    const view = await student.context().newPage();
    await view.goto(`${inbox.replace('/inbox/', '/inbox-view/').replace(/\/$/, '')}`);
    const page = view.getByRole('region', { name: 'Inbox' });
    await expect(page.getByRole('list', { name: 'Captured requests' }).getByRole('listitem')).toHaveCount(2);
    await expect(page.getByText('Live: new requests appear as they arrive.')).toBeVisible();
    const third = await request(`${inbox}third`, { method: 'PUT', body: 'three' });
    await third.body.dump();
    await expect(page.getByRole('list', { name: 'Captured requests' }).getByRole('listitem')).toHaveCount(3);
    await expect(page.getByLabel('Raw request #3')).toContainText('PUT /inbox/');
    // Without the key (another browser), the page asks for it and shows nothing.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(view.url());
    await expect(stranger.getByLabel("The inbox's key (only its owner can read it)")).toBeVisible();
    await expect(stranger.getByRole('list', { name: 'Captured requests' })).toHaveCount(0);
  });
});

test.describe('room codes under guessing', () => {
  test('a classmate guessing codes cannot lock the hall out: typed codes wait, the QR code’s link still joins', async ({ browser }, testInfo) => {
    // One wrong code a minute per address, so the budget cannot refill while the test runs (the default
    // is 60; tests/server/hardening/room-codes.test.ts measures that one).
    const server = await startServer({ clientDir: CLIENT_DIST, roomCodeFailuresPerMinute: 1 });
    try {
      const origin = server.origin;
      const teacher = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await teacher.goto(origin);
      await teacher.getByRole('button', { name: 'Classroom' }).click();
      await teacher.getByRole('button', { name: 'Start a room' }).click();
      // The room's view first: until it replaces the forms, "Room code" is the join form's empty input.
      await expect(teacher.getByText('0 students joined')).toBeVisible();
      const code = (await teacher.getByLabel('Room code').textContent())!.trim();
      expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
      const qrLink = await teacher.getByLabel(/Join link to share/).inputValue();
      await teacher.screenshot({ path: testInfo.outputPath('room-1280.png') });

      // A script on the hall's network (this same address) tries codes until it is refused.
      const statuses: number[] = [];
      for (const guess of ['ZZZZZZZZ', 'ZZZZZZZX']) {
        const response = await request(`${origin}/app/rooms/${guess}`);
        await response.body.dump();
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([404, 429]);

      // A student typing the right code now waits, and is told how to get in.
      const typed = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
      await typed.goto(origin);
      await typed.getByRole('button', { name: 'Classroom' }).click();
      await typed.getByLabel('Room code').fill(code);
      await typed.getByLabel('Your name').fill('Typed');
      await typed.getByRole('button', { name: 'Join' }).click();
      await expect(typed.getByRole('alert')).toContainText("scan the room's QR code or open its join link");
      await typed.screenshot({ path: testInfo.outputPath('join-refused-360.png'), fullPage: true });

      // A student who scans the QR code joins at once.
      const scanned = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
      await scanned.goto(qrLink);
      await expect(scanned.getByLabel('Room code')).toHaveValue(code);
      await scanned.screenshot({ path: testInfo.outputPath('join-from-qr-360.png'), fullPage: true });
      await scanned.getByLabel('Your name').fill('Scanned');
      await scanned.getByRole('button', { name: 'Join' }).click();
      await expect(scanned.getByText(`You are in room ${code}`)).toBeVisible();
      await expect(teacher.getByText('1 student joined')).toBeVisible();
    } finally {
      server.app.server.closeAllConnections();
      await server.close();
    }
  });
});
