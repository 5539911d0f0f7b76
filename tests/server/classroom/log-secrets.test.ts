// What an operator's console keeps: with every request logged (LOG_LEVEL=debug), a room key, an inbox
// key or a token in a URL is masked in each line.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/client-build';
import { call, type TestServer } from '../../helpers/server';

describe('request log lines', () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
  });
  let log = '';
  let server: TestServer;
  let wake: (() => void) | undefined;

  /** Resolves once the log holds `text`. */
  async function logged(text: string): Promise<void> {
    while (!log.includes(text)) {
      if (child.exitCode !== null) throw new Error(`the server exited; its log:\n${log}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }

  beforeAll(async () => {
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      wake?.();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      wake?.();
    });
    await logged('running on http://');
    const origin = /running on (http:\/\/[\d.]+:\d+)/.exec(log)![1]!;
    server = { origin, app: undefined as never, close: async () => undefined };
    // tsx compiles the server at start: on a loaded machine that takes longer than a hook's default 10 s.
  }, 60_000);
  afterAll(() => {
    child.kill();
  });

  it.each([
    ['a room key', '/app/rooms/BCDF/events?key=', 'AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK'],
    ['an inbox key', '/app/inboxes/abcdefghijkm/requests?key=', 'ZZZZyyyyXXXXwwwwVVVVuuuuTTTTssssRRRRqqqqPPP'],
    ['a token', '/get?access_token=', 'tok-9f8e7d6c5b4a'],
  ])('mask %s in the URL', async (_what, path, secret) => {
    await call(server, `${path}${secret}`);
    await logged(`${path}••••`);
    expect(log).not.toContain(secret);
  });
});
