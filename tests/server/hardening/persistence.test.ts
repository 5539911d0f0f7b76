// Nothing lost: with DATA_DIR, learners' data survives a restart, and a crash in the middle of writes
// leaves a snapshot that is whole (written to a temporary file, then renamed).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';
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

  it('leaves a whole snapshot when the server is killed in the middle of writes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-crash-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SNAPSHOT_INTERVAL_MS: '100', SKIP_CLIENT_BUILD: '1', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const origin = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /running on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`server exited early: ${output}`)));
    });
    const server = { origin, app: undefined as never, close: async () => undefined };
    const cookie = await login(server, 'ada', 'lovelace', 'crash');
    let written = 0;
    const writer = async () => {
      for (;;) {
        const response = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'crash', cookie }, json: { title: `Book ${written}`, author: 'A', year: 1 } }).catch(() => undefined);
        if (!response) return;
        written += 1;
      }
    };
    const writers = [writer(), writer(), writer()];
    // Wait until snapshots are being taken during the writes, then kill without warning.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (written >= 150 && existsSync(join(dataDir, 'snapshot.json'))) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await Promise.all(writers);

    const files = readdirSync(dataDir);
    expect(files).toContain('snapshot.json');
    const snapshot = JSON.parse(readFileSync(join(dataDir, 'snapshot.json'), 'utf8'));
    const crash = snapshot.parts.sandboxes.sandboxes.find((s: { id: string }) => s.id === 'crash');
    const saved = crash.collections.books.items.length - 12;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThanOrEqual(written);

    const restarted = await startServer({ dataDir });
    const count = await call(restarted, '/api/sandbox', { headers: { 'x-sandbox': 'crash' } });
    expect(count.json.counts.books).toBe(12 + saved);
    await restarted.close();
  }, 30_000);
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
