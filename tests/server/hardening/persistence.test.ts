// Nothing lost: with DATA_DIR, learners' data survives a graceful restart (kill -9, disk full and the
// rest of the durability attacks are in durability.test.ts).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, login, startServer } from '../../helpers/server';

describe('DATA_DIR snapshots', () => {
  it('restores sandboxes and sessions after a graceful restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-data-'));
    const first = await startServer({ dataDir });
    const cookie = await login(first, 'ada', 'lovelace', 'keep');
    const created = await call(first, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'keep', cookie }, json: { title: 'Survives restarts', author: 'Me', year: 2026 } });
    expect(created.status).toBe(201);
    await first.close();

    const second = await startServer({ dataDir });
    const found = await call(second, '/api/books?q=Survives', { headers: { 'x-sandbox': 'keep' } });
    expect(found.json.map((b: { title: string }) => b.title)).toEqual(['Survives restarts']);
    // The session is still valid, and new ids continue after the restored ones.
    const next = await call(second, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'keep', cookie }, json: { title: 'After', author: 'Me', year: 2026 } });
    expect(next.status).toBe(201);
    expect(next.json.id).toBe(created.json.id + 1);
    // Other sandboxes still start from the seed.
    expect((await call(second, '/api/books?q=Survives')).json).toEqual([]);
    await second.close();
  });

  // The kill -9 test lives in durability.test.ts: every acknowledged write survives it.
});

describe('DATA_DIR snapshots of the classroom', () => {
  it('keeps rooms, their keys and inbox captures across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classroom-data-'));
    const first = await startServer({ dataDir });
    const room = (await call(first, '/app/rooms', { method: 'POST', json: { title: 'Week 3' } })).json;
    const student = (await call(first, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Maya' } })).json;
    const captured = await call(first, `${student.inbox.url}hello`, { method: 'POST', headers: { 'x-first': '1' }, body: 'hi' });
    expect(captured.status).toBe(200);
    await first.close();

    const second = await startServer({ dataDir });
    const roster = await call(second, `/app/rooms/${room.code}/roster`, { headers: { authorization: `Bearer ${room.instructorKey}` } });
    expect(roster.status).toBe(200);
    expect(roster.json.students.map((s: { name: string }) => s.name)).toEqual(['Maya']);
    const requests = await call(second, `/app/inboxes/${student.inbox.id}/requests`, { headers: { authorization: `Bearer ${student.inbox.key}` } });
    expect(requests.json.requests.map((r: { path: string }) => r.path)).toEqual(['/hello']);
    // Keys still guard them.
    expect((await call(second, `/app/rooms/${room.code}/roster`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    await second.close();
  });
});

describe('the journal of the classroom', () => {
  it('replays every acknowledged room and inbox change after a crash, with no snapshot since', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classroom-journal-'));
    // No snapshot during the test: what the second server finds is the journal alone.
    const first = await startServer({ dataDir, snapshotIntervalMs: 3_600_000 });
    const instructor = (key: string) => ({ authorization: `Bearer ${key}` });
    const room = (await call(first, '/app/rooms', { method: 'POST', json: { title: 'Journalled' } })).json;
    const closed = (await call(first, '/app/rooms', { method: 'POST', json: { title: 'Closed again' } })).json;
    const maya = (await call(first, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Maya' } })).json;
    const goal = { all: [{ status: 304 }] };
    const pushed = await call(first, `/app/rooms/${room.code}/push`, { method: 'POST', headers: instructor(room.instructorKey), json: { draft: { method: 'GET', url: '/api/books/1' }, goal: { goal } } });
    expect(pushed.status).toBe(200);
    const progress = { goal: { goalId: 1, reached: true, attempt: { method: 'GET', url: '/api/books/1', status: 304 } }, shareData: true };
    expect((await call(first, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: instructor(maya.studentKey), json: progress })).status).toBe(200);
    expect((await call(first, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: instructor(room.instructorKey), json: { status503: true, retryAfterSeconds: 7 } })).status).toBe(200);
    expect((await call(first, `/app/rooms/${closed.code}`, { method: 'DELETE', headers: instructor(closed.instructorKey) })).status).toBe(204);
    const inbox = (await call(first, '/app/inboxes', { method: 'POST' })).json;
    const gone = (await call(first, '/app/inboxes', { method: 'POST' })).json;
    const configured = { status: 418, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: 'short and stout' };
    expect((await call(first, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: instructor(inbox.key), json: configured })).status).toBe(200);
    expect((await call(first, `/app/inboxes/${gone.id}`, { method: 'DELETE', headers: instructor(gone.key) })).status).toBe(204);

    // The crash: the files as they are on disk now, opened by another server (the first never saves again).
    const copy = mkdtempSync(join(tmpdir(), 'classroom-crashed-'));
    for (const name of ['snapshot.json', 'journal.jsonl']) copyFileSync(join(dataDir, name), join(copy, name));
    const second = await startServer({ dataDir: copy });
    try {
      const roster = await call(second, `/app/rooms/${room.code}/roster`, { headers: instructor(room.instructorKey) });
      expect(roster.status).toBe(200);
      expect(roster.json.students).toMatchObject([{ name: 'Maya', goal: { goalId: 1, state: 'reached' }, sharedSandbox: maya.sandbox }]);
      expect((await call(second, `/app/rooms/${room.code}/faults`, { headers: instructor(maya.studentKey) })).json).toMatchObject({ status503: true, retryAfterSeconds: 7 });
      // The goal is still the room's: a report about it is taken.
      expect((await call(second, `/app/rooms/${room.code}/progress`, { method: 'POST', headers: instructor(maya.studentKey), json: { goal: progress.goal } })).status).toBe(200);
      expect((await call(second, `/app/rooms/${closed.code}`)).status).toBe(404);
      // Maya's inbox came back with her, the room's too; the deleted inbox did not.
      expect((await call(second, `/app/inboxes/${maya.inbox.id}`, { headers: instructor(maya.inbox.key) })).status).toBe(200);
      const answer = await call(second, `/inbox/${inbox.id}/tea`);
      expect([answer.status, answer.text]).toEqual([418, 'short and stout']);
      expect((await call(second, `/app/inboxes/${gone.id}`, { headers: instructor(gone.key) })).status).toBe(404);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
