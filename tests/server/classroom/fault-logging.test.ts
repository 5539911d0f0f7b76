// What the operator's console shows during a lesson with the fault switches on: the server as `npm start`
// runs it (LOG_LEVEL=info), its log lines read from stdout. A switch's 429 and 503, a dropped connection
// and a capacity 503 are one info line each, without a stack trace or an error; no line carries a key.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomCreated, StudentJoined } from '../../../server/protocol/classroom-types';
import { PROJECT_ROOT } from '../../../server/client-build';
import { call, type TestServer } from '../../helpers/server';
import { bearer } from './helpers';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

describe('logging of deliberate answers', () => {
  let child: ChildProcessWithoutNullStreams;
  let server: TestServer;
  let room: RoomCreated;
  let student: StudentJoined;
  const lines: LogLine[] = [];
  const raw: string[] = [];
  let waiters: (() => void)[] = [];

  /** Resolves with the first log line (read so far or still to come) that matches. */
  async function logLine(match: (line: LogLine) => boolean): Promise<LogLine> {
    for (;;) {
      const found = lines.find(match);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`the server exited; its log:\n${raw.join('\n')}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  const setFaults = (faults: object) =>
    call(server, `/app/rooms/${room.code}/faults`, { method: 'PUT', headers: bearer(room.instructorKey), json: faults });
  const studentBooks = () => call(server, '/api/books', { headers: { 'x-sandbox': student.sandbox } });

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: PROJECT_ROOT,
      // One event stream on the whole server, so the second is refused for capacity.
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STREAM_MAX: '1' },
    });
    let buffer = '';
    const origin = new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${raw.join('\n')}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          raw.push(line);
          const running = /running on (http:\/\/[\d.]+:\d+)/.exec(line);
          if (running) resolve(running[1]!);
          if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
        }
        for (const wake of waiters.splice(0)) wake();
      });
      child.stderr.on('data', (chunk: Buffer) => raw.push(`stderr: ${chunk.toString()}`));
    });
    server = { origin: await origin } as TestServer;
    room = (await call(server, '/app/rooms', { method: 'POST', json: { title: 'Faults' } })).json;
    student = (await call(server, `/app/rooms/${room.code}/join`, { method: 'POST', json: { name: 'Tess' } })).json;
  }, 30_000);

  afterAll(async () => {
    waiters = [];
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it.each([
    ['status503', 503],
    ['status429', 429],
  ] as const)('logs the %s switch answer at info, as staged, without a stack', async (name, status) => {
    await setFaults({ [name]: true });
    expect((await studentBooks()).status).toBe(status);
    const line = await logLine((l) => l.status === status && String(l.reason).includes('fault switch'));
    expect(line).toMatchObject({ level: 30, route: '/api/books', reason: `room ${room.code} fault switch ${status}`, type: status === 503 ? 'service-unavailable' : 'too-many-requests' });
    expect(line).not.toHaveProperty('err');
    expect(line).not.toHaveProperty('stack');
    await setFaults({});
  });

  it('logs a dropped connection at info', async () => {
    await setFaults({ drop: true });
    await expect(request(`${server.origin}/api/books`, { headers: { 'x-sandbox': student.sandbox } })).rejects.toThrow();
    const line = await logLine((l) => String(l.reason).endsWith('fault switch drop'));
    expect(line.level).toBe(30);
    await setFaults({});
  });

  it('logs a capacity 503 at info, without a stack', async () => {
    const agent = new Agent();
    try {
      const first = await request(`${server.origin}/app/rooms/${room.code}/events`, { dispatcher: agent, headers: bearer(room.instructorKey) });
      expect(first.statusCode).toBe(200);
      const second = await call(server, `/app/rooms/${room.code}/events`, { headers: bearer(student.studentKey) });
      expect(second.status).toBe(503);
      expect(second.json.type).toBe('/problems/capacity-reached');
      const line = await logLine((l) => l.type === 'capacity-reached');
      expect(line).toMatchObject({ level: 30, status: 503, route: '/app/rooms/:code/events', reason: 'capacity limit reached' });
      expect(line).not.toHaveProperty('err');
    } finally {
      await agent.destroy();
    }
  });

  it('wrote no error or warning and no key to the log', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    const all = raw.join('\n');
    expect(all).not.toContain(room.instructorKey);
    expect(all).not.toContain(student.studentKey);
    expect(all).not.toMatch(/"stack"/);
  });
});
