// Durability attacks from the outside review, performed for real: kill -9 in the middle of a burst of writes,
// a full disk, two servers on one DATA_DIR, an unwritable DATA_DIR, a corrupt snapshot, and the files'
// permissions. Every acknowledged write must survive; a failure must keep the last good state and say so.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, watch, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';
import { call, startServer, type TestServer } from '../../helpers/server';

interface Child {
  origin: string;
  pid: number;
  kill: () => void;
  exited: Promise<number | null>;
}

/** Starts `npm start`'s server (server/main.ts) as its own process on a free loopback port. */
function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve({ origin: match[1]!, pid: child.pid!, kill: () => child.kill('SIGKILL'), exited });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

/** Runs server/main.ts expecting it to refuse to start: its exit code and what it printed. */
function failedStart(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function token(server: Pick<TestServer, 'origin'>, sandbox: string): Promise<string> {
  const issued = await call(server as TestServer, '/api/tokens', { method: 'POST', headers: { 'x-sandbox': sandbox }, json: { username: 'ada', password: 'lovelace' } });
  expect(issued.status).toBe(201);
  return issued.json.token as string;
}

async function titles(server: TestServer, sandbox: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let page = 1; ; page += 1) {
    const listed = await call(server, `/api/books?per_page=100&page=${page}`, { headers: { 'x-sandbox': sandbox } });
    expect(listed.status).toBe(200);
    for (const book of listed.json as { title: string }[]) found.add(book.title);
    if ((listed.json as unknown[]).length < 100) return found;
  }
}

/** Resolves once `name` exists in `dir`: checked now and on each change the folder reports (fs.watch), never on a timer. */
function untilFile(dir: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => check());
    const check = () => {
      if (!existsSync(join(dir, name))) return;
      watcher.close();
      resolve();
    };
    check();
  });
}

const mounts: string[] = [];
afterAll(() => {
  for (const mount of mounts) spawnSync('umount', [mount]);
});

/** A small tmpfs of its own (a real full disk), or undefined where this user may not mount one. */
function tmpfs(sizeKiB: number, readOnly = false): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `${readOnly ? 'ro,' : ''}size=${sizeKiB}k,mode=0755`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    if (process.env.CI) throw new Error(`mounting a tmpfs failed (${mounted.stderr.toString().trim()}): run the durability tests as root or with CAP_SYS_ADMIN`);
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

/** No classroom limit in the way of a burst from one address. */
const CLASSROOM_BURST_ENV = {
  CLASSROOM_CREATE_PER_MINUTE: '100000',
  CLASSROOM_CREATE_PER_ADDRESS_PER_MINUTE: '1000000',
  ROOM_CREATE_PER_ADDRESS_PER_MINUTE: '100000',
  ROOM_MAX: '10000',
  INBOX_MAX: '100000',
};

/** A room as its instructor saw it acknowledged: its students, and its fault switches (the last latency
 *  acknowledged, and one still in flight when the server died, which may or may not have been kept). */
interface AckedRoom {
  code: string;
  instructorKey: string;
  students: { name: string; key: string }[];
  latency: { acked: number; pending?: number };
}

/** An inbox as its owner saw it acknowledged: made, and maybe configured (or being configured). */
interface AckedInbox {
  id: string;
  key: string;
  marker: string;
  configured: 'no' | 'pending' | 'yes';
}

describe('kill -9 in the middle of a burst of writes', () => {
  it.each([1, 2])('keeps every acknowledged write (run %i, killed at a random moment)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-kill-'));
    const child = await startChild({ DATA_DIR: dataDir, SNAPSHOT_INTERVAL_MS: '250', ...CLASSROOM_BURST_ENV });
    const server = child as unknown as TestServer;
    const sandboxes = ['kill-a', 'kill-b', 'kill-c', 'kill-d'];
    const tokens = await Promise.all(sandboxes.map((sandbox) => token(child, sandbox)));
    const acknowledged = new Map<string, string[]>(sandboxes.map((s) => [s, []]));
    let attempted = 0;
    let stop = false;
    const writer = async (index: number, lane: number) => {
      const sandbox = sandboxes[index]!;
      for (let i = 0; !stop && i < 120; i += 1) {
        const title = `${sandbox} ${lane}-${i}`;
        attempted += 1;
        const response = await call(server, '/api/books', {
          method: 'POST',
          headers: { 'x-sandbox': sandbox, authorization: `Bearer ${tokens[index]}` },
          json: { title, author: 'Crash test', year: 2026 },
        }).catch(() => undefined);
        if (!response) return;
        if (response.status === 201) {
          acknowledged.get(sandbox)!.push(title);
          acked();
        }
      }
    };
    // Rooms: made, joined, fault switches flipped; inboxes: made and configured, all while the books are written.
    const rooms: AckedRoom[] = [];
    const inboxes: AckedInbox[] = [];
    const roomLane = async (lane: number) => {
      for (let i = 0; !stop && i < 40; i += 1) {
        attempted += 1;
        const made = await call(server, '/app/rooms', { method: 'POST', json: { title: `Crash ${lane}-${i}` } }).catch(() => undefined);
        if (made?.status !== 201) return;
        const room: AckedRoom = { code: made.json.code, instructorKey: made.json.instructorKey, students: [], latency: { acked: 0 } };
        rooms.push(room);
        acked();
        const name = `Student ${lane} ${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`;
        const joined = await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name } }).catch(() => undefined);
        if (joined?.status !== 201) return;
        room.students.push({ name, key: joined.json.studentKey });
        acked();
        room.latency.pending = 100 + i;
        const switched = await call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: { authorization: `Bearer ${room.instructorKey}` }, json: { latencyMs: 100 + i } }).catch(() => undefined);
        if (switched?.status !== 200) return;
        room.latency = { acked: 100 + i };
        acked();
      }
    };
    const inboxLane = async (lane: number) => {
      for (let i = 0; !stop && i < 60; i += 1) {
        attempted += 1;
        const made = await call(server, '/app/inboxes', { method: 'POST' }).catch(() => undefined);
        if (made?.status !== 201) return;
        const inbox: AckedInbox = { id: made.json.id, key: made.json.key, marker: `configured ${lane}-${i}`, configured: 'no' };
        inboxes.push(inbox);
        acked();
        inbox.configured = 'pending';
        const response = { status: 202, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: inbox.marker };
        const configured = await call(server, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${inbox.key}` }, json: response }).catch(() => undefined);
        if (configured?.status !== 200) return;
        inbox.configured = 'yes';
        acked();
      }
    };
    // The kill comes after a random number of acknowledged writes, while the other lanes' writes are in flight.
    const killAfter = 1 + Math.floor(Math.random() * 150);
    let acks = 0;
    let killMoment = () => {};
    // (Not before the first room and inbox are acknowledged, so every run has some to look for.)
    const acked = () => {
      acks += 1;
      if (acks >= killAfter && rooms.length > 0 && inboxes.length > 0) killMoment();
    };
    const moment = new Promise<void>((resolve) => (killMoment = resolve));
    const writers = [...sandboxes.flatMap((_, index) => [0, 1, 2].map((lane) => writer(index, lane))), roomLane(0), roomLane(1), inboxLane(0), inboxLane(1)];
    await Promise.race([moment, Promise.all(writers)]);
    child.kill();
    stop = true;
    await Promise.all(writers);
    await child.exited;
    const total = acks;
    expect(total, `the kill came after ${killAfter} acknowledged writes`).toBeGreaterThanOrEqual(killAfter);
    expect(rooms.length + inboxes.length, 'the burst made rooms and inboxes before the kill').toBeGreaterThan(0);

    const restarted = await startServer({ dataDir });
    try {
      for (const sandbox of sandboxes) {
        const present = await titles(restarted, sandbox);
        const lost = acknowledged.get(sandbox)!.filter((title) => !present.has(title));
        expect(lost, `killed after ${killAfter} ms: ${total} acknowledged of ${attempted} attempted`).toEqual([]);
      }
      // The tokens issued before the crash still log their users in.
      expect((await call(restarted, '/api/session', { headers: { 'x-sandbox': 'kill-a', authorization: `Bearer ${tokens[0]}` } })).status).toBe(200);
      // Every room acknowledged is there: the instructor's key opens its roster, every student acknowledged
      // is on it and their key works, and the fault switches are as last acknowledged (or as the PUT in flight).
      for (const room of rooms) {
        const roster = await call(restarted, `/app/rooms/${room.code}/roster`, { headers: { authorization: `Bearer ${room.instructorKey}` } });
        expect(roster.status, `room ${room.code} after restart`).toBe(200);
        expect(roster.json.students.map((student: { name: string }) => student.name)).toEqual(expect.arrayContaining(room.students.map((student) => student.name)));
        for (const student of room.students) {
          const faults = await call(restarted, `/app/rooms/${room.code}/faults`, { headers: { authorization: `Bearer ${student.key}` } });
          expect(faults.status, `${student.name}'s key in room ${room.code}`).toBe(200);
          expect([room.latency.acked, room.latency.pending ?? room.latency.acked]).toContain(faults.json.latencyMs);
        }
      }
      // Every inbox acknowledged is there, its key reads it, and it answers as configured.
      for (const inbox of inboxes) {
        expect((await call(restarted, `/app/inboxes/${inbox.id}`, { headers: { authorization: `Bearer ${inbox.key}` } })).status, `inbox ${inbox.id}`).toBe(200);
        const answer = await call(restarted, `/inbox/${inbox.id}/after-crash`);
        const configured = answer.status === 202 && answer.text === inbox.marker;
        if (inbox.configured === 'yes') expect(configured, `inbox ${inbox.id} answers as configured`).toBe(true);
        else if (inbox.configured === 'no') expect(answer.status).toBe(200);
        else expect(configured || answer.status === 200).toBe(true);
      }
    } finally {
      await restarted.close();
    }
  }, 60_000);
});

describe('a full disk', () => {
  it('keeps the last good state, answers 503 instead of acknowledging, reports it, and recovers when space returns', async (context) => {
    const mount = tmpfs(1024);
    if (!mount) return context.skip();
    const dataDir = join(mount, 'data');
    // The server's log says when saving works again: the test awaits that line instead of polling.
    let worksAgain = () => {};
    const recovered = new Promise<void>((resolve) => (worksAgain = resolve));
    const logStream = { write: (line: string) => void (/works again/.test(line) && worksAgain()) };
    const server = await startServer({ dataDir, snapshotIntervalMs: 150, logger: true, logLevel: 'info', logStream });
    let restarted: TestServer | undefined;
    try {
      const bearer = await token(server, 'full');
      const acknowledged: string[] = [];
      // Leave a few KiB free, then write until the disk is full.
      const free = statfsSync(mount).bavail * statfsSync(mount).bsize;
      const filler = join(mount, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 12 * 1024)));
      let refused: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 400 && !refused; i += 1) {
        const title = `Full disk ${i} ${'x'.repeat(150)}`;
        const response = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'full', authorization: `Bearer ${bearer}` }, json: { title, author: 'Disk', year: 2026 } });
        if (response.status === 201) acknowledged.push(title);
        else refused = response;
      }
      expect(refused?.status).toBe(503);
      expect(refused!.headers['content-type']).toContain('application/problem+json');
      expect(refused!.json.detail).toContain('the disk is full');
      expect(acknowledged.length).toBeGreaterThan(0);
      // Take the last free bytes too, so no later write can slip into a partly used page.
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(4096));
      } catch {
        // ENOSPC: the disk is full now.
      }

      // The operator is told: readiness fails and says why.
      const health = await call(server, '/app/health');
      expect(health.status).toBe(503);
      expect(health.json.detail).toContain(`DATA_DIR ${dataDir}: the disk is full`);
      // No more changes are made while they cannot be kept.
      const next = await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'full', authorization: `Bearer ${bearer}` }, json: { title: 'Refused', author: 'Disk', year: 2026 } });
      expect(next.status).toBe(503);
      expect(next.json.detail).toContain('makes none');
      // The snapshot on disk is still whole, and no temporary file is left behind.
      expect(() => JSON.parse(readFileSync(join(dataDir, 'snapshot.json'), 'utf8'))).not.toThrow();
      expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

      // Space comes back: saving resumes by itself.
      rmSync(filler);
      await recovered;
      expect((await call(server, '/app/health')).json.status).toBe('ok');
      await server.close();

      restarted = await startServer({ dataDir });
      const present = await titles(restarted, 'full');
      expect(acknowledged.filter((title) => !present.has(title))).toEqual([]);
      expect(present.has('Refused')).toBe(false);
    } finally {
      await server.close().catch(() => undefined);
      await restarted?.close();
    }
  }, 60_000);
});

describe('DATA_DIR belongs to one server', () => {
  it('a second server on the same DATA_DIR refuses to start and names the first', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-lock-'));
    const first = await startChild({ DATA_DIR: dataDir });
    try {
      const second = failedStart({ DATA_DIR: dataDir });
      expect(second.status).toBe(2);
      expect(second.output).toContain(`DATA_DIR ${dataDir} is in use by another server (process ${first.pid}`);
      expect(second.output).not.toMatch(/\n\s+at /);
      // In one process too.
      await expect(startServer({ dataDir })).rejects.toThrow(/in use by another server/);
    } finally {
      first.kill();
      await first.exited;
    }
    // A lock left by a killed server is taken over.
    const after = await startServer({ dataDir });
    await after.close();
  }, 60_000);

  it('an unwritable DATA_DIR stops the start with a message that says so', async () => {
    const readOnly = tmpfs(64, true);
    let dataDir: string;
    if (readOnly) {
      dataDir = readOnly;
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'sandbox-ro-'));
      spawnSync('chmod', ['0500', dataDir]);
    }
    const result = failedStart({ DATA_DIR: dataDir });
    expect(result.status).toBe(2);
    expect(result.output).toMatch(new RegExp(`Cannot start: DATA_DIR ${dataDir} is not writable \\((EROFS|EACCES)`));
    expect(result.output).not.toMatch(/\n\s+at /);
    // A file where the folder should be.
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-file-')), 'data');
    writeFileSync(file, 'not a folder');
    const notFolder = failedStart({ DATA_DIR: file });
    expect(notFolder.status).toBe(2);
    expect(notFolder.output).toContain(`Cannot start: DATA_DIR ${file} cannot be used`);
  }, 60_000);

  it('a corrupt snapshot or journal stops the start naming the file, without a stack trace', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-corrupt-'));
    writeFileSync(join(dataDir, 'snapshot.json'), '{"savedAt":"2026-12-01","parts":{"sandboxes":');
    const result = failedStart({ DATA_DIR: dataDir });
    expect(result.status).toBe(2);
    expect(result.output).toContain(`Cannot start: ${join(dataDir, 'snapshot.json')}: is not a valid snapshot`);
    expect(result.output).toContain('Move the file aside');
    expect(result.output).not.toMatch(/\n\s+at /);

    rmSync(join(dataDir, 'snapshot.json'));
    writeFileSync(join(dataDir, 'journal.jsonl'), '{"q":1,"p":"sandboxes","op":"fresh","s":"a","e":"x"}\n{broken\n{"q":3,"p":"sandboxes","op":"drop","s":"a"}\n');
    const journal = failedStart({ DATA_DIR: dataDir });
    expect(journal.status).toBe(2);
    expect(journal.output).toContain(`${join(dataDir, 'journal.jsonl')}: line 2 is not valid JSON`);
    expect(journal.output).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('data at rest', () => {
  it('keeps files readable by their owner only, and no secret in plain text', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sandbox-perm-'));
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir, { mode: 0o777 });
    // No timed snapshot: one that came between the answer and the read below would empty the journal.
    const server = await startServer({ dataDir, snapshotIntervalMs: 3_600_000 });
    const secret = await token(server, 'rest');
    await call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'rest', authorization: `Bearer ${secret}` }, json: { title: 'At rest', author: 'A', year: 2026 } });
    // The journal has the change before the answer; the snapshot when it is next written.
    const journal = readFileSync(join(dataDir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('At rest');
    await server.app.persistence.save(true);
    await untilFile(dataDir, 'snapshot.json');
    expect(readFileSync(join(dataDir, 'snapshot.json'), 'utf8')).toContain('At rest');
    for (const name of ['snapshot.json', 'journal.jsonl', 'server.lock']) {
      expect(existsSync(join(dataDir, name))).toBe(true);
      expect((statSync(join(dataDir, name)).mode & 0o077).toString(8), name).toBe('0');
    }
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    await server.close();
    for (const name of readdirSync(dataDir)) {
      const text = readFileSync(join(dataDir, name), 'utf8');
      expect(text, name).not.toContain(secret);
      expect(text, name).not.toContain(secret.slice(2, 18));
    }
  });
});
