// The composer's Timeout goes into "Copy as" when the learner changed it, so the copy gives up as the page
// does: checked by running each copy — bash + curl, HTTPie, Python requests, Node's fetch — against the
// sandbox's /delay/2 with a half-second timeout, and the same copy at the default, which gets the answer.
// Importing a curl command reads -m/--max-time back into the Timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRequest, type CopyInput } from '../../../client/src/features/composer/copy-request';
import { parseCurl } from '../../../client/src/features/composer/formats/parse-curl';
import type { OutgoingRequest } from '../../../client/src/lib/draft';
import { SEND_LIMITS } from '../../../server/protocol/send-limits';
import { startServer, type TestServer } from '../../helpers/server';
import { describeWithTool, HAS_CURL, HAS_HTTPIE, HAS_PYTHON_REQUESTS, run } from './real-tools';

const SLOW: OutgoingRequest = { method: 'GET', url: '/delay/2', headers: [['Accept', 'application/json']], body: null };

function input(origin: string, timeoutMs?: number): CopyInput {
  return { request: SLOW, origin, followRedirects: false, secrets: 'include', ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

describe('the timeout in each copy', () => {
  it.each([
    ['curl', '--max-time 1.5'],
    ['httpie', '--timeout 1.5'],
    ['python', 'timeout=1.5,'],
    ['fetch', 'signal: AbortSignal.timeout(1500), // give up after 1.5 s'],
  ] as const)('%s: written as %s', (format, written) => {
    expect(copyRequest(format, input('http://localhost:3000', 1500))).toContain(written);
  });

  it.each(['curl', 'httpie', 'python', 'fetch'] as const)('%s: left out at the default (10 s) and when unknown', (format) => {
    for (const timeoutMs of [SEND_LIMITS.defaultTimeoutMs, undefined]) {
      const copy = copyRequest(format, input('http://localhost:3000', timeoutMs));
      expect(copy).not.toMatch(/max-time|--timeout|timeout=|AbortSignal/);
    }
  });
});

describe('importing curl -m/--max-time', () => {
  it.each([
    ['curl -m 1.5 http://localhost:3000/delay/3', 1500, []],
    ['curl --max-time 2 http://localhost:3000/delay/3', 2000, []],
    ['curl --max-time 60 http://localhost:3000/delay/3', SEND_LIMITS.maxTimeoutMs, ['--max-time 60: the sandbox waits 0.1 to 30 seconds, so Timeout is 30.']],
    ['curl -m 0.01 http://localhost:3000/delay/3', SEND_LIMITS.minTimeoutMs, ['-m 0.01: the sandbox waits 0.1 to 30 seconds, so Timeout is 0.1.']],
    ['curl -m soon http://localhost:3000/delay/3', undefined, ['Ignored -m soon: it is not a number of seconds.']],
    ['curl http://localhost:3000/delay/3', undefined, []],
  ] as const)('%s → %s ms', (command, timeoutMs, warnings) => {
    const imported = parseCurl(command, { origin: 'http://localhost:3000' });
    expect(imported.timeoutMs).toBe(timeoutMs);
    expect(imported.warnings).toEqual(warnings);
    expect(imported.notes).toEqual([]);
    expect(imported.draft.url).toBe('/delay/3');
  });

  it('reads back what Copy as curl wrote', () => {
    const copy = copyRequest('curl', input('http://localhost:3000', 2500));
    expect(parseCurl(copy, { origin: 'http://localhost:3000' }).timeoutMs).toBe(2500);
  });
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Runs the copy; resolves with stdout, rejects with the program's complaint. */
type Runner = (copy: string) => Promise<string>;

const RUNNERS: [string, boolean, 'curl' | 'httpie' | 'python' | 'fetch', Runner, RegExp][] = [
  // curl's exit code 28 is "operation timed out".
  ['curl', HAS_CURL, 'curl', (copy) => run('bash', ['-c', copy]), /Operation timed out|timed out/i],
  ['HTTPie', HAS_HTTPIE, 'httpie', (copy) => run('bash', ['-c', copy]), /timed out/i],
  ['python3 with requests', HAS_PYTHON_REQUESTS, 'python', (copy) => run('python3', ['-c', copy]), /ReadTimeout|timed out/i],
  ['node', true, 'fetch', (copy) => run(process.execPath, ['--input-type=module', '--no-warnings', '-e', copy]), /TimeoutError|aborted due to timeout/i],
];

for (const [tool, present, format, runCopy, timedOut] of RUNNERS) {
  describeWithTool(tool, present, `copy as ${format} with a timeout, run for real`, () => {
    it('gives up on the slow answer, as the page did', async () => {
      await expect(runCopy(copyRequest(format, input(server.origin, 500)))).rejects.toThrow(timedOut);
    });

    it('without the timeout gets the answer', async () => {
      await expect(runCopy(copyRequest(format, input(server.origin)))).resolves.toBeDefined();
    });
  });
}
