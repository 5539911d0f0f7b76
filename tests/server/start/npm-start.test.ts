// `npm start` as a user runs it: it builds what changed, then serves from compiled JavaScript — the serving
// process is `node dist/server/main.js` with no TypeScript loader — and its log is JSON lines when stdout is
// not a terminal. Settings it cannot honour stop it at once with a message naming the variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';

/** The command line of a process, as its arguments. */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Every live process below pid (Linux /proc). */
function descendants(pid: number): number[] {
  const children: number[] = [];
  const taskDir = `/proc/${pid}/task`;
  if (!existsSync(taskDir)) return children;
  for (const task of readdirSync(taskDir)) {
    try {
      children.push(...readFileSync(`${taskDir}/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    } catch {
      // The task ended while we read it.
    }
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function run(env: Record<string, string>) {
  // Its own process group, so the test can stop npm, the shell and the server together.
  const child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env }, detached: true });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const output = () => text;
  /** The first match of `pattern` in the output, checked whenever the process writes (no polling); fails
   *  with the output when the process exits first or nothing matches within `ms`. */
  const printed = (what: string, pattern: RegExp, ms = 150_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.stderr!.off('data', check);
        child.off('exit', gone);
      };
      const check = () => {
        const match = pattern.exec(text);
        if (!match) return;
        done();
        resolve(match);
      };
      const gone = () => {
        done();
        reject(new Error(`the process exited while waiting for ${what}; output:\n${text}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; output:\n${text}`));
      }, ms);
      // Listeners added after run()'s own, so `text` already holds the chunk that fired them.
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', gone);
      check();
    });
  return { child: child as ChildProcess, output, exited, printed };
}

describe('npm start', () => {
  let started: ReturnType<typeof run>;
  let origin: string;

  beforeAll(async () => {
    started = run({ LOG_LEVEL: 'info' });
    origin = (await started.printed('the server', /running on (http:\/\/[\d.]+:\d+)/))[1]!;
  }, 160_000);

  afterAll(async () => {
    if (started.child.exitCode === null) process.kill(-started.child.pid!, 'SIGTERM');
    await started.exited;
  });

  it('serves from compiled JavaScript, with no TypeScript loader in the serving process', () => {
    // Below npm: the shell running the script and, once the build step has finished, only the server.
    const nodes = descendants(started.child.pid!).map(commandLine).filter((args) => /(^|\/)node$/.test(args[0] ?? ''));
    expect(nodes).toHaveLength(1);
    const [, ...flags] = nodes[0]!;
    expect(flags.at(-1)).toBe('dist/server/main.js');
    expect(flags.filter((flag) => /tsx|--import|--loader|--require|--experimental/.test(flag))).toEqual([]);
  });

  it('answers the API, the echo and the page (compressed)', async () => {
    const echo = await request(`${origin}/get?show=all`);
    expect(echo.statusCode).toBe(200);
    expect(((await echo.body.json()) as { args: object }).args).toEqual({ show: 'all' });
    const page = await request(`${origin}/`, { headers: { 'accept-encoding': 'br, gzip' } });
    await page.body.dump();
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('serves the lessons and the reference data, read at start in a worker thread', async () => {
    const lessons = await request(`${origin}/app/lessons`);
    expect(lessons.statusCode).toBe(200);
    const list = (await lessons.body.json()) as { id: string }[];
    expect(list.length).toBeGreaterThan(10);
    const first = await request(`${origin}/app/lessons/${list[0]!.id}`);
    expect(first.statusCode).toBe(200);
    expect(((await first.body.json()) as { steps: unknown[] }).steps.length).toBeGreaterThan(0);
    const codes = await request(`${origin}/app/reference/status-codes`);
    expect(codes.statusCode).toBe(200);
    expect(((await codes.body.json()) as { statusCodes: { code: number }[] }).statusCodes.some((entry) => entry.code === 404)).toBe(true);
  });

  it('logs JSON lines when its output is not a terminal', () => {
    const lines = started.output().split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    const listening = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.msg.startsWith('Server listening'));
    expect(listening?.level).toBe(30);
  });
});

describe('npm start refuses what it cannot do', () => {
  it.each([
    ['WORKERS', '2', /WORKERS=2 is refused: .*sandboxes, log-in sessions and tokens, rate limits, classroom rooms, inboxes and events, Idempotency-Key.*Set REDIS_URL to share that state through Redis, or use WORKERS=1/],
    ['WORKERS', 'many', /WORKERS="many" is not valid: use a whole number from 1 to 64/],
    ['LOG_FORMAT', 'xml', /LOG_FORMAT="xml" is not valid: use pretty, json or auto/],
    ['SLOW_REQUEST_MS', '-5', /SLOW_REQUEST_MS="-5" is not valid/],
  ])('%s=%s stops it with a message naming the variable', async (name, value, message) => {
    const started = run({ [name]: value });
    expect(await started.exited).not.toBe(0);
    expect(started.output()).toMatch(message);
    expect(started.output()).not.toMatch(/running on/);
  }, 160_000);
});

describe('LOG_FORMAT=pretty', () => {
  it('writes one readable line per event', async () => {
    const started = run({ LOG_FORMAT: 'pretty' });
    try {
      await started.printed('the server', /running on http/);
      expect(started.output()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
      expect(started.output()).not.toMatch(/^\{"level"/m);
    } finally {
      process.kill(-started.child.pid!, 'SIGTERM');
      await started.exited;
    }
  }, 160_000);
});
