// Nothing lost: with DATA_DIR, learners' data survives a graceful restart (kill -9, disk full and the
// rest of the durability attacks are in durability.test.ts).
import { mkdtempSync } from 'node:fs';
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
