import { request } from 'undici';
import { expect, test } from './fixtures';

test.describe('a live classroom', () => {
  test('the instructor’s exchanges and a student’s inbox captures appear live', async ({ browser, sandboxServer }) => {
    const teacher = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await teacher.goto(sandboxServer.origin);
    await teacher.getByRole('button', { name: 'Classroom' }).click();
    await teacher.getByRole('button', { name: 'Start a room' }).click();
    await expect(teacher.getByText('0 students joined')).toBeVisible();
    const code = (await teacher.getByLabel('Room code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z]{4}$/);
    await expect(teacher.getByRole('img', { name: /QR code for/ })).toBeVisible();

    const student = await (await browser.newContext()).newPage();
    await student.goto(`${sandboxServer.origin}/room/${code}`);
    await expect(student.getByLabel('Room code')).toHaveValue(code);
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

    // A plain HTTP client sends to the student's inbox; it appears on the student's page without reload.
    const inbox = (await student.locator('.captures code').first().textContent())!;
    expect(inbox).toMatch(/\/inbox\/[\w-]+\/$/);
    const sent = await request(`${inbox}hello?from=terminal`, { method: 'POST', headers: { 'user-agent': 'curl/8.5.0', 'x-first': '1' }, body: 'hi' });
    await sent.body.dump();
    const captures = student.getByRole('list', { name: 'Captured requests' });
    await expect(captures).toContainText('POST');
    await expect(captures).toContainText('curl/8.5.0');

    // The student chooses to share progress; the roster shows their last exchange.
    await student.getByLabel('Share my last exchange with the instructor').check();
    await student.getByLabel('URL').press('Control+Enter');
    await expect(teacher.getByRole('table', { name: 'Roster' })).toContainText('GET /api/books → 200');

    // The student makes the inbox answer 418; a client now gets that.
    await student.getByText('What the inbox answers').click();
    await student.getByLabel('Status', { exact: true }).fill('418');
    await student.getByRole('button', { name: "Save the inbox's answer" }).click();
    await expect(student.getByText('Saved: the inbox now answers 418.')).toBeVisible();
    const teapot = await request(`${inbox}again`);
    await teapot.body.dump();
    expect(teapot.statusCode).toBe(418);

    // Fault switch: the student sees it while it is on.
    await teacher.getByLabel('Server overloaded (503 + Retry-After)').check();
    await expect(student.getByText(/switched on a fault: the server answers 503/)).toBeVisible();
    await teacher.getByLabel('Server overloaded (503 + Retry-After)').uncheck();
    await expect(student.getByText(/switched on a fault/)).toBeHidden();
  });
});
