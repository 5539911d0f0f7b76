// The course-server recipe of the README, run for real: its own redis-server, two sandbox processes
// (`node dist/server/main.js`, as `npm start` runs it, with the settings of server/deploy/course-server.env.example)
// and Debian's nginx with server/deploy/nginx.conf in front, terminating TLS with a self-signed certificate
// made by openssl — all on loopback ports, in a temp folder, as the current user. Everything below goes
// through nginx over HTTPS; which process answered is read from each process's own /metrics.
// Rooms, inboxes and their events are shared through Redis, so the classroom runs across both processes too
// (students' streams on either, kill -9 and SIGTERM mid-lesson); the echo's /sse shows nginx does not buffer.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFrom } from '../../helpers/agents';
import { PROJECT_ROOT } from '../../../server/client-build';
import { freePort } from '../../helpers/ports';
import { startWatched, type WatchedProcess } from '../../helpers/process';
import { startRedis, type RedisServer } from '../../helpers/redis';
import { transcript } from '../classroom/helpers';
import { SseParser, type SseEvent } from '../classroom/sse-client';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';

const DEPLOY = join(PROJECT_ROOT, 'server/deploy');

function findProgram(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/sbin', '/usr/bin')) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const NGINX = findProgram('nginx');
const OPENSSL = findProgram('openssl');
const REDIS = findProgram('redis-server');

/** Why this test cannot run here, or undefined. Under CI a missing program fails it instead. */
function skipReason(): string | undefined {
  const missing = [['nginx', NGINX], ['redis-server', REDIS], ['openssl', OPENSSL]].filter(([, path]) => !path).map(([name]) => name!);
  if (missing.length === 0) return undefined;
  if (process.env.CI) throw new Error(`${missing.join(', ')} not installed, and CI must run the course-server test: apt-get install nginx redis-server openssl.`);
  const reason = `${missing.join(', ')} not installed on this machine: the course-server test is skipped (apt-get install nginx redis-server openssl runs it; under CI it fails instead).`;
  console.warn(reason);
  return reason;
}
const skip = skipReason();

/** Fills the ${CAPITALS} placeholders of a file in server/deploy, as envsubst would; every one must be known. */
function fillPlaceholders(text: string, values: Record<string, string>): string {
  const filled = text.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);
  const left = [...filled.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]);
  if (left.length > 0) throw new Error(`placeholders the test does not fill: ${[...new Set(left)].join(', ')}`);
  return filled;
}

/** KEY=VALUE lines of an env file (comments and blank lines left out). */
function readEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

type Started = WatchedProcess;

/** Starts a program in its own process group (so the test can stop it and its children together). */
function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT): Started {
  return startWatched(name, command, args, { env, cwd, detached: true });
}

/** Stops a started program's whole process group and waits for it to exit. */
async function stop(started: Started | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  try {
    process.kill(-started.child.pid!, signal);
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-started.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await started.exited;
  clearTimeout(timer);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

// Every step goes through nginx and real processes on a shared 2-core machine: generous time for each.
describe.skipIf(skip !== undefined)('course server: Redis, two sandbox processes, nginx with TLS in front', { timeout: 60_000 }, () => {
  let dir: string;
  let redis: RedisServer | undefined;
  const sandboxes: Started[] = [];
  let sandboxEnv: NodeJS.ProcessEnv;
  let nginx: Started | undefined;
  let origin: string;
  let httpPort: number;
  let agent: Agent;
  let ca: Buffer;
  /** Each process's own address (loopback, for its /metrics only: nothing else goes around nginx). */
  const direct: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-course-'));
    // The build `npm start` does first (only what changed since the last one).
    const build = start('the build', process.execPath, ['--import', 'tsx', 'server/build.ts', '--if-stale'], process.env);
    expect(await build.exited, build.output()).toBe(0);

    redis = await startRedis();

    const cert = join(dir, 'course.crt');
    const key = join(dir, 'course.key');
    const made = spawnSync(OPENSSL!, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    ca = readFileSync(cert);

    // Two processes started from the example env file, as an operator would, each on a port of its own.
    const envFile = readEnvFile(fillPlaceholders(readFileSync(join(DEPLOY, 'course-server.env.example'), 'utf8'), { REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1', SANDBOX_HOST: '127.0.0.1' }));
    expect(envFile).toMatchObject({ REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1', HOST: '127.0.0.1', WORKERS: '1' });
    // A low password-guessing limit, so the test sees it shared after a few tries.
    sandboxEnv = { ...process.env, ...envFile, PORT: '0', LOGIN_FAILURES_PER_MINUTE: '4', MALLOC_MMAP_THRESHOLD_: '131072' };
    for (const name of ['sandbox A', 'sandbox B']) sandboxes.push(start(name, process.execPath, ['--max-semi-space-size=4', 'dist/server/main.js'], sandboxEnv));
    for (const sandbox of sandboxes) direct.push((await sandbox.printed(/running on (http:\/\/127\.0\.0\.1:\d+)/))[1]!);

    const httpsPort = await freePort();
    httpPort = await freePort();
    origin = `https://127.0.0.1:${httpsPort}`;
    mkdirSync(join(dir, 'nginx-temp'));
    const conf = fillPlaceholders(readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8'), {
      PUBLIC_ORIGIN: origin,
      SERVER_NAME: '127.0.0.1',
      HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
      HTTP_LISTEN: `127.0.0.1:${httpPort}`,
      TLS_CERT: cert,
      TLS_KEY: key,
      SANDBOX_1: direct[0]!.replace('http://', ''),
      SANDBOX_2: direct[1]!.replace('http://', ''),
      NGINX_TEMP: join(dir, 'nginx-temp'),
      NGINX_LOGS: dir,
    });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // As root nginx would hand its workers to `nobody`, who may not write the temp folder: keep this user.
    const user = process.getuid?.() === 0 ? ` user ${userInfo().username};` : '';
    nginx = start('nginx', NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr notice;${user}`], process.env, dir);
    await nginx.printed(/start worker process/);
    agent = new Agent({ connect: { ca } });
  }, 600_000);

  afterAll(async () => {
    await agent?.close();
    await stop(nginx);
    await Promise.all(sandboxes.map((sandbox) => stop(sandbox)));
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const call = async (path: string, options: { method?: string; headers?: Record<string, string>; json?: unknown; body?: string; via?: Agent } = {}): Promise<Answer> => {
    const method = options.method ?? 'GET';
    const unsafe = !['GET', 'HEAD'].includes(method);
    const body = options.json === undefined ? options.body : JSON.stringify(options.json);
    const response = await request(`${origin}${path}`, {
      dispatcher: options.via ?? agent,
      method: method as 'GET',
      headers: { ...(options.json === undefined ? {} : { 'content-type': 'application/json' }), ...(unsafe ? { origin } : {}), ...options.headers },
      body,
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text, json };
  };

  /** Requests each process counted for one route, method and status (its own /metrics, read directly). */
  const served = async (route: string, method: string, status: number): Promise<number[]> =>
    Promise.all(
      direct.map(async (address, index) => {
        if (sandboxes[index]!.child.exitCode !== null || sandboxes[index]!.child.signalCode !== null) return 0;
        const text = await (await request(`${address}/metrics`)).body.text();
        const line = text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds_count{route="${route}",method="${method}",status="${status}"}`));
        return line ? Number(line.split(' ').at(-1)) : 0;
      }),
    );
  const delta = (before: number[], after: number[]) => after.map((value, index) => value - before[index]!);

  /** A room's event stream through nginx, read as a browser's EventSource would. */
  const openRoomStream = async (code: string, key: string, lastEventId?: string) => {
    const streamAgent = new Agent({ connect: { ca }, connections: 1 });
    const response = await request(`${origin}/app/rooms/${code}/events`, {
      dispatcher: streamAgent,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${key}`, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const queue: SseEvent[] = [];
    const parser = new SseParser((event) => queue.push(event));
    const chunks = response.body[Symbol.asyncIterator]();
    return {
      /** The next event of this type, as soon as it arrives (events before it are read past); throws when
       *  the stream ends or is cut first. */
      next: async (type: string): Promise<SseEvent> => {
        for (;;) {
          const index = queue.findIndex((event) => event.event === type);
          if (index >= 0) return queue.splice(0, index + 1).at(-1)!;
          const { value, done } = await chunks.next();
          if (done) throw new Error(`the stream ended before a ${type} event`);
          parser.push((value as Buffer).toString());
        }
      },
      close: async () => {
        response.body.destroy();
        await streamAgent.destroy();
      },
      lastEventId: () => parser.lastEventId,
      retry: () => parser.retry,
    };
  };

  it('requests through nginx land on both processes', async () => {
    const before = await served('/get', 'GET', 200);
    for (let i = 0; i < 10; i++) expect((await call(`/get?i=${i}`)).status).toBe(200);
    const counted = delta(before, await served('/get', 'GET', 200));
    expect(counted[0]! + counted[1]!).toBe(10);
    expect(counted[0]).toBeGreaterThanOrEqual(3);
    expect(counted[1]).toBeGreaterThanOrEqual(3);
  });

  it("/ip shows the learner's address, not nginx's, and ignores forwarding headers the learner wrote", async () => {
    expect((await call('/ip')).json.origin).toBe('127.0.0.1');
    // Another machine, as far as anyone can tell: the learner's connection leaves from 127.0.0.2.
    const elsewhere = agentFrom('127.0.0.2', { ca });
    try {
      for (let i = 0; i < 4; i++) {
        const ip = await call('/ip', { via: elsewhere, headers: { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9;proto=http' } });
        expect(ip.json.origin).toBe('127.0.0.2');
      }
    } finally {
      await elsewhere.close();
    }
    // The scheme and host are the public ones.
    expect((await call('/get?x=1')).json.url).toBe(`${origin}/get?x=1`);
  });

  it('plain HTTP is sent to HTTPS with 308, keeping the path and query', async () => {
    const response = await request(`http://127.0.0.1:${httpPort}/api/books?page=2`, { method: 'GET' });
    await response.body.dump();
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe(`${origin}/api/books?page=2`);
  });

  it('a learner signs up and logs in through nginx; the Secure session cookie works on every request, whichever process answers', async () => {
    const sandbox = { 'x-sandbox': 'course-maya' };
    const signup = await call('/api/users', { method: 'POST', headers: sandbox, json: { username: 'maya', password: 'correct horse', displayName: 'Maya' } });
    expect(signup.status, signup.text).toBe(201);
    const login = await call('/api/session', { method: 'POST', headers: sandbox, json: { username: 'maya', password: 'correct horse' } });
    expect(login.status, login.text).toBe(201);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^sid=[^;]+;.*; Secure/);
    const cookie = setCookie.split(';')[0]!;
    const before = await served('/api/session', 'GET', 200);
    for (let i = 0; i < 8; i++) {
      const who = await call('/api/session', { headers: { ...sandbox, cookie } });
      expect(who.status, who.text).toBe(200);
      expect(who.json.user.username).toBe('maya');
    }
    const counted = delta(before, await served('/api/session', 'GET', 200));
    expect(counted[0]).toBeGreaterThanOrEqual(2);
    expect(counted[1]).toBeGreaterThanOrEqual(2);

    // A book written through one process is read back through both, with the same ETag.
    const created = await call('/api/books', { method: 'POST', headers: { ...sandbox, cookie }, json: { title: 'Behind nginx', author: 'Maya', year: 2026 } });
    expect(created.status, created.text).toBe(201);
    const etag = created.headers.etag as string;
    expect(etag).toBeTruthy();
    const readsBefore = [...(await served('/api/books/:id', 'GET', 200)), ...(await served('/api/books/:id', 'GET', 304))];
    for (let i = 0; i < 4; i++) {
      const read = await call(created.headers.location as string, { headers: sandbox });
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe(etag);
      expect(read.json).toEqual(created.json);
      expect((await call(created.headers.location as string, { headers: { ...sandbox, 'if-none-match': etag } })).status).toBe(304);
    }
    // Reads and revalidations (200 and 304) together were answered by both processes.
    const reads = delta(readsBefore, [...(await served('/api/books/:id', 'GET', 200)), ...(await served('/api/books/:id', 'GET', 304))]);
    expect(reads[0]! + reads[2]!).toBeGreaterThanOrEqual(2);
    expect(reads[1]! + reads[3]!).toBeGreaterThanOrEqual(2);
  });

  it('the password-guessing limit is counted across both processes', async () => {
    const before = await served('/api/session', 'POST', 401);
    const statuses: number[] = [];
    let refused: Answer | undefined;
    for (let i = 0; i < 5; i++) {
      const attempt = await call('/api/session', { method: 'POST', headers: { 'x-sandbox': 'course-guess' }, json: { username: 'ada', password: `guess-${i}` } });
      statuses.push(attempt.status);
      refused = attempt;
    }
    // LOGIN_FAILURES_PER_MINUTE=4 in all: each process saw only some of the four failures, yet the fifth is refused.
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    const counted = delta(before, await served('/api/session', 'POST', 401));
    expect(counted[0]).toBeGreaterThanOrEqual(1);
    expect(counted[1]).toBeGreaterThanOrEqual(1);
  });

  it('an event stream reaches the client through nginx as it is written, not buffered', async () => {
    const response = await request(`${origin}/sse?n=2&interval=2000`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    let text = '';
    let firstSeenAt: number | undefined;
    for await (const chunk of response.body) {
      text += chunk.toString();
      if (firstSeenAt === undefined && /data: \{"tick":1/.test(text)) firstSeenAt = Date.now();
    }
    const ticks = [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!) as { tick: number; at: string });
    expect(ticks.map((tick) => tick.tick)).toEqual([1, 2]);
    // The first event was in the test's hands before the server had even written the second.
    expect(firstSeenAt).toBeLessThan(Date.parse(ticks[1]!.at));
  });

  it("a body past BODY_LIMIT is refused by nginx with 413 and the sandbox's problem type; one just under it goes through", async () => {
    const tooBig = await call('/anything', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1_048_577) });
    expect(tooBig.status, `${tooBig.text}\nnginx:\n${nginx!.output()}`).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(tooBig.json).toMatchObject({ type: '/problems/payload-too-large', status: 413, detail: expect.stringContaining('1048576 bytes') });
    // A body under the limit goes through to the sandbox (the echo reads up to 100 KiB of it).
    const under = await call('/anything', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(50_000) });
    expect(under.status).toBe(200);
  });

  it('bodies the sandbox refuses before reading them do not take a process out of the list', async () => {
    // Over the echo's 100 KiB, under nginx's limit: the sandbox answers 413 and closes the connection while
    // nginx may still be sending the body, which nginx sees as an error of that process.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call('/anything', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(300_000) })).status);
    console.info(`300 kB bodies to /anything through nginx: ${statuses.join(' ')}`);
    expect(statuses.every((status) => status === 413 || status === 502)).toBe(true);
    // Both processes still get their share right after.
    const before = await served('/get', 'GET', 200);
    for (let i = 0; i < 6; i++) expect((await call('/get')).status).toBe(200);
    const counted = delta(before, await served('/get', 'GET', 200));
    expect(counted[0]).toBeGreaterThanOrEqual(2);
    expect(counted[1]).toBeGreaterThanOrEqual(2);
  });

  it('Redis stopped: what needs it answers 503 with Retry-After through nginx and /readyz says so; Redis back: both recover', async () => {
    const marks = sandboxes.map((sandbox) => sandbox.output().length);
    await redis!.stop();
    try {
      const before = await served('/api/books', 'GET', 503);
      for (let i = 0; i < 4; i++) {
        const read = await call('/api/books', { headers: { 'x-sandbox': 'course-maya' } });
        expect(read.status, read.text).toBe(503);
        expect(read.headers['retry-after']).toBe('5');
        expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(read.json.detail).toMatch(/Redis/);
        const ready = await call('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.headers['retry-after']).toBeTruthy();
        expect(ready.json.notReady).toContain('redis');
        // What needs no Redis still works: neither process crashed.
        expect((await call('/get')).status).toBe(200);
      }
      const refused = delta(before, await served('/api/books', 'GET', 503));
      expect(refused[0]).toBeGreaterThanOrEqual(1);
      expect(refused[1]).toBeGreaterThanOrEqual(1);
    } finally {
      await redis!.start();
    }
    // Each process finds Redis again by itself. Wait as a load balancer's health check does: each process's
    // /readyz, every 250 ms (a process that saw Redis fail also logs "Redis reachable again", but one whose
    // reconnection raced the restart has nothing to log).
    await Promise.all(
      direct.map(async (address, index) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const ready = await request(`${address}/readyz`);
          await ready.body.dump();
          if (ready.statusCode === 200) return;
          if (Date.now() > deadline) throw new Error(`${sandboxes[index]!.name} is not ready 60 s after Redis came back; its output since Redis stopped:\n${sandboxes[index]!.output().slice(marks[index])}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );
    for (let i = 0; i < 4; i++) {
      expect((await call('/readyz')).status).toBe(200);
      // This test's Redis keeps nothing on disk, so the sandbox is the seed again; a real one keeps it.
      const read = await call('/api/books', { headers: { 'x-sandbox': 'course-maya' } });
      expect(read.status).toBe(200);
    }
  }, 120_000);

  it('the classroom across both processes: students on either get broadcasts live; kill -9 mid-lesson, they reconnect through nginx and miss none; the process comes back', async () => {
    const created = await call('/app/rooms', { method: 'POST', json: { title: 'Behind nginx' } });
    expect(created.status, created.text).toBe(201);
    const room = created.json as RoomCreated;
    const instructor = { authorization: `Bearer ${room.instructorKey}` };
    const joinsBefore = await served('/app/rooms/:code/join', 'POST', 201);
    const students: StudentJoined[] = [];
    for (let i = 0; i < 6; i++) {
      const joined = await call(`/app/rooms/${room.code}/join`, { method: 'POST', json: { name: `Student ${i}` } });
      expect(joined.status, joined.text).toBe(201);
      students.push(joined.json as StudentJoined);
    }
    const joins = delta(joinsBefore, await served('/app/rooms/:code/join', 'POST', 201));
    expect(joins[0]).toBeGreaterThanOrEqual(1);
    expect(joins[1]).toBeGreaterThanOrEqual(1);

    const open = (key: string, lastEventId?: string) => openRoomStream(room.code, key, lastEventId);
    type Stream = Awaited<ReturnType<typeof open>>;
    const streams: Stream[] = [];
    for (const student of students) {
      const stream = await open(student.studentKey);
      await stream.next('state');
      streams.push(stream);
    }
    try {
      // The streams are held by both processes (each counts its own).
      const open_ = await Promise.all(direct.map(async (address) => Number(/^http_sandbox_event_streams_open (\d+)/m.exec(await (await request(`${address}/metrics`)).body.text())?.[1] ?? 0)));
      expect(open_[0]).toBeGreaterThanOrEqual(1);
      expect(open_[1]).toBeGreaterThanOrEqual(1);

      const live = await call(`/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: instructor, json: { transcript: transcript('live') } });
      expect(live.status, live.text).toBe(200);
      for (const stream of streams) expect(JSON.parse((await stream.next('broadcast')).data)).toMatchObject({ transcript: { id: 'live' } });

      // kill -9 one process mid-lesson; the instructor broadcasts again through nginx. A broadcast nginx sent
      // on a kept-alive connection the dead process held gets 502 and was not done: the instructor sends it again.
      const victim = sandboxes[0]!;
      process.kill(-victim.child.pid!, 'SIGKILL');
      await victim.exited;
      let after: Answer | undefined;
      const attempts: number[] = [];
      for (let i = 0; i < 3 && after?.status !== 200; i++) {
        after = await call(`/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: instructor, json: { transcript: transcript('after the kill') } });
        attempts.push(after.status);
      }
      expect(after!.status, `broadcast attempts: ${attempts.join(' ')}`).toBe(200);
      // A student whose stream the dead process held sees it cut and reconnects, as EventSource does, with
      // the Last-Event-ID of the last event it got; nginx sends it to the process that is left.
      let reconnected = 0;
      for (const [index, student] of students.entries()) {
        let event: SseEvent;
        try {
          event = await streams[index]!.next('broadcast');
        } catch {
          const lastEventId = streams[index]!.lastEventId();
          await streams[index]!.close();
          streams[index] = await open(student.studentKey, lastEventId);
          reconnected += 1;
          event = await streams[index]!.next('broadcast');
        }
        expect(JSON.parse(event.data)).toMatchObject({ transcript: { id: 'after the kill' } });
      }
      console.info(`classroom: ${students.length} students, ${reconnected} reconnected after kill -9 and missed no broadcast; broadcast attempts after the kill: ${attempts.join(' ')}`);
      expect(reconnected).toBeGreaterThanOrEqual(1);
      expect(reconnected).toBeLessThan(students.length);
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }

    // The process comes back on its port (as its supervisor would restart it), and nginx uses it again.
    const port = new URL(direct[0]!).port;
    sandboxes[0] = start('sandbox A, restarted', process.execPath, ['--max-semi-space-size=4', 'dist/server/main.js'], { ...sandboxEnv, PORT: port });
    expect((await sandboxes[0].printed(/running on (http:\/\/127\.0\.0\.1:\d+)/))[1]).toBe(direct[0]);
    const before = await served('/get', 'GET', 200);
    for (let i = 0; i < 6; i++) expect((await call('/get')).status).toBe(200);
    const counted = delta(before, await served('/get', 'GET', 200));
    expect(counted[0]).toBeGreaterThanOrEqual(2);
    expect(counted[1]).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('SIGTERM of one process (a restart): its room streams are told to retry, reconnect through nginx to the other and miss no broadcast; it exits 0', async () => {
    const created = await call('/app/rooms', { method: 'POST', json: { title: 'Restart' } });
    expect(created.status, created.text).toBe(201);
    const room = created.json as RoomCreated;
    const instructor = { authorization: `Bearer ${room.instructorKey}` };
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const joined = await call(`/app/rooms/${room.code}/join`, { method: 'POST', json: { name: `Student ${i}` } });
      expect(joined.status, joined.text).toBe(201);
      keys.push((joined.json as StudentJoined).studentKey);
    }
    const streams = [];
    for (const key of keys) {
      const stream = await openRoomStream(room.code, key);
      await stream.next('state');
      streams.push(stream);
    }
    const readStatuses: string[] = [];
    try {
      const victim = sandboxes[0]!;
      process.kill(-victim.child.pid!, 'SIGTERM');
      // Reads through nginx while the process shuts down.
      const reads = (async () => {
        for (let i = 0; i < 10; i++) {
          const read = await call('/api/books?per_page=5', { headers: { 'x-sandbox': 'course-restart' } });
          readStatuses.push(read.status === 503 ? `503 (Retry-After ${read.headers['retry-after']})` : String(read.status));
        }
      })();
      expect(await victim.exited).toBe(0);
      await reads;
      const sent = await call(`/app/rooms/${room.code}/broadcast`, { method: 'POST', headers: instructor, json: { transcript: transcript('after the restart') } });
      expect(sent.status, sent.text).toBe(200);
      let reconnected = 0;
      for (const [index, key] of keys.entries()) {
        let event: SseEvent;
        try {
          event = await streams[index]!.next('broadcast');
        } catch {
          // The stream was ended on purpose, with the SSE retry field telling the browser when to come back.
          expect(streams[index]!.retry()).toBeGreaterThanOrEqual(1000);
          const lastEventId = streams[index]!.lastEventId();
          await streams[index]!.close();
          streams[index] = await openRoomStream(room.code, key, lastEventId);
          reconnected += 1;
          event = await streams[index]!.next('broadcast');
        }
        expect(JSON.parse(event.data)).toMatchObject({ transcript: { id: 'after the restart' } });
      }
      console.info(`SIGTERM: ${reconnected} of ${keys.length} room streams told to retry and reconnected, none missed a broadcast; reads during the shutdown: ${readStatuses.join(', ')}`);
      expect(reconnected).toBeGreaterThanOrEqual(1);
      expect(readStatuses.every((status) => status === '200' || status.startsWith('503 (Retry-After 2)')), readStatuses.join(', ')).toBe(true);
    } finally {
      await Promise.all(streams.map((stream) => stream.close()));
    }
    const port = new URL(direct[0]!).port;
    sandboxes[0] = start('sandbox A, after SIGTERM', process.execPath, ['--max-semi-space-size=4', 'dist/server/main.js'], { ...sandboxEnv, PORT: port });
    expect((await sandboxes[0].printed(/running on (http:\/\/127\.0\.0\.1:\d+)/))[1]).toBe(direct[0]);
  }, 180_000);

  it('kill -9 of one process mid-run: requests keep succeeding through the other, and no acknowledged write is lost', async () => {
    const sandbox = { 'x-sandbox': 'course-crash' };
    const token = await call('/api/tokens', { method: 'POST', headers: sandbox, json: { username: 'ada', password: 'lovelace' } });
    expect(token.status, token.text).toBe(201);
    const auth = { ...sandbox, authorization: `Bearer ${token.json.token}` };
    const acknowledged: { location: string; title: string }[] = [];
    const failedWrites: number[] = [];
    const readStatuses: number[] = [];
    let killed = false;
    let writesAfterKill = 0;
    let failedAfterKill = 0;
    /** Per writer, the results of the writes it started after the kill, in order. */
    const afterKill: Record<string, number[]> = { a: [], b: [] };
    const victim = sandboxes[0]!;

    // Two writers and a reader at once, so that requests are in flight on the process when it dies.
    const writer = async (name: string) => {
      for (let i = 0; i < 20; i++) {
        const title = `Crash test ${name}${i}`;
        const after = killed;
        const created = await call('/api/books', { method: 'POST', headers: auth, json: { title, author: 'Ada', year: 2026 } });
        if (created.status === 201) acknowledged.push({ location: created.headers.location as string, title });
        else failedWrites.push(created.status);
        if (after && created.status !== 201) failedAfterKill += 1;
        if (after) afterKill[name]!.push(created.status);
        if (after) writesAfterKill += 1;
        if (acknowledged.length >= 10 && !killed) {
          killed = true;
          process.kill(-victim.child.pid!, 'SIGKILL');
        }
      }
    };
    const reader = async () => {
      for (let i = 0; i < 40; i++) readStatuses.push((await call('/api/books?per_page=5', { headers: sandbox })).status);
    };
    await Promise.all([writer('a'), writer('b'), reader()]);
    expect(await victim.exited).toBeNull();
    expect(victim.child.signalCode).toBe('SIGKILL');
    console.info(`kill -9 mid-run: ${acknowledged.length} writes acknowledged, ${failedWrites.length} not (${failedWrites.join(' ')}), ${writesAfterKill} started after the kill (${failedAfterKill} of them not acknowledged: a ${afterKill.a!.join(' ')}, b ${afterKill.b!.join(' ')}); reads: ${readStatuses.filter((status) => status === 200).length} of ${readStatuses.length} 200`);

    // Every read succeeded: nginx sent the ones the dead process did not answer to the other.
    expect(readStatuses.every((status) => status === 200), `reads: ${readStatuses.join(' ')}`).toBe(true);
    // A write nginx sends to the killed process, over a kept-alive connection it still held when the process
    // died, is not sent a second time, as nginx cannot know whether it was done: it gets 502. That happens
    // only right after the kill, until nginx has seen those connections close; then every write succeeds.
    expect(failedWrites.every((status) => status === 502), `failed writes: ${failedWrites.join(' ')}`).toBe(true);
    for (const results of Object.values(afterKill)) expect(results.slice(5).every((status) => status === 201), `writes after the kill: ${results.join(' ')}`).toBe(true);
    expect(writesAfterKill).toBeGreaterThanOrEqual(20);
    // Every acknowledged write is there, read through nginx from the process that is left.
    for (const book of acknowledged) {
      const read = await call(book.location, { headers: sandbox });
      expect(read.status).toBe(200);
      expect(read.json.title).toBe(book.title);
    }
    const all = await call('/api/books?q=Crash%20test&per_page=100', { headers: sandbox });
    expect(all.json.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(all.json.length).toBeLessThanOrEqual(acknowledged.length + failedWrites.length);
    // The process that is left served them all the while, and still does.
    expect((await call('/readyz')).status).toBe(200);
  }, 180_000);

});

describe('the README\'s course-server commands', () => {
  it('fill in exactly the placeholders each file in server/deploy has', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Course server'), readme.indexOf('\n## ', readme.indexOf('## Course server') + 3));
    const commands = [...section.replace(/\\\n\s*/g, ' ').matchAll(/envsubst '([^']+)'\s+<\s+(server\/deploy\/\S+)/g)];
    expect(commands.map((command) => command[2]).sort()).toEqual(['server/deploy/course-server.env.example', 'server/deploy/nginx.conf']);
    for (const [, names, file] of commands) {
      const inFile = new Set([...readFileSync(join(PROJECT_ROOT, file!), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]));
      const inCommand = new Set([...names!.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]));
      expect([...inCommand].sort(), file).toEqual([...inFile].sort());
    }
  });
});
