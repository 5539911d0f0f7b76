// A copy carries the page's sandbox and login, or — when the learner chooses — a placeholder and a login
// step instead of the secret. Checked as a learner would: against a running sandbox, each copy run with the
// real tool must create the book in the learner's own sandbox, and the placeholder copy must not contain
// the session cookie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRequest, type CopyFormat } from '../../../client/src/features/composer/copy-request';
import { emptyDraft, row } from '../../../client/src/lib/draft';
import { PASSWORD_PLACEHOLDER, secretsIn, withTokenPlaceholder } from '../../../client/src/features/composer/formats/copy-auth';
import type { JarCookie } from '../../../client/src/lib/cookie-jar';
import { requestToSend } from '../../../client/src/lib/request-to-send';
import { call, login, startServer, type TestServer } from '../../helpers/server';
import { describeWithTool, HAS_CURL, HAS_HTTPIE, HAS_PYTHON_REQUESTS, run } from './real-tools';

describe('what in a copy is secret', () => {
  it.each<[string, [string, string][], { sessionCookie: boolean; bearer: boolean }]>([
    ['the sandbox cookie alone', [['Cookie', 'sandbox=abc']], { sessionCookie: false, bearer: false }],
    ['the session cookie', [['Cookie', 'sandbox=abc; sid=s3cret']], { sessionCookie: true, bearer: false }],
    ['a bearer token', [['Authorization', 'Bearer t0ken']], { sessionCookie: false, bearer: true }],
    ['Basic credentials the learner typed', [['Authorization', 'Basic YWRhOmxvdmVsYWNl']], { sessionCookie: false, bearer: false }],
    ['a cookie merely named like it', [['Cookie', 'xsid=1; sidebar=left']], { sessionCookie: false, bearer: false }],
  ])('%s', (_name, headers, secrets) => {
    expect(secretsIn({ method: 'GET', url: '/api/books', headers, body: null })).toEqual(secrets);
  });

  it('the placeholder keeps the sandbox cookie and puts a token where the login was', () => {
    const replaced = withTokenPlaceholder(
      { method: 'POST', url: 'http://localhost:3000/api/books', headers: [['Content-Type', 'application/json'], ['Cookie', 'sandbox=abc; sid=s3cret']], body: { encoding: 'text', data: '{}' } },
      { username: 'grace' },
    );
    expect(replaced?.request.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Cookie', 'sandbox=abc'],
      ['Authorization', 'Bearer'],
    ]);
    expect(replaced?.token.header).toBe(2);
    expect(replaced?.token.login).toEqual({
      method: 'POST',
      url: 'http://localhost:3000/api/tokens',
      headers: [['Content-Type', 'application/json'], ['Cookie', 'sandbox=abc']],
      body: { encoding: 'text', data: `{"username":"grace","password":"${PASSWORD_PLACEHOLDER}"}` },
    });
  });

  it('a bearer token is replaced in its own place; a request without secrets is left alone', () => {
    const replaced = withTokenPlaceholder({ method: 'GET', url: '/api/session', headers: [['Authorization', 'Bearer t0ken'], ['Accept', '*/*']], body: null }, {});
    expect(replaced?.token.header).toBe(0);
    expect(replaced?.request.headers).toEqual([['Authorization', 'Bearer t0ken'], ['Accept', '*/*']]);
    expect(withTokenPlaceholder({ method: 'GET', url: '/', headers: [['Cookie', 'sandbox=a']], body: null }, {})).toBeUndefined();
  });

  it.each<CopyFormat>(['curl', 'httpie', 'python', 'fetch'])('%s: the placeholder copy has no session cookie and no token', (format) => {
    const code = copyRequest(format, {
      request: { method: 'GET', url: '/api/session', headers: [['Cookie', 'sandbox=abc; sid=s3cret'], ['Authorization', 'Bearer t0ken']], body: null },
      origin: 'http://localhost:3000',
      followRedirects: false,
      secrets: 'placeholder',
      login: { username: 'ada' },
    });
    expect(code).not.toContain('s3cret');
    expect(code).not.toContain('t0ken');
    expect(code).toContain('sandbox=abc');
    expect(code).toContain('/api/tokens');
    expect(code).toContain(PASSWORD_PLACEHOLDER);
  });
});

describe('a copy works where the page works (real tools, live sandbox)', () => {
  let server: TestServer;
  let sandbox: string;
  let jar: JarCookie[];
  beforeAll(async () => {
    server = await startServer();
    sandbox = (await call(server, '/api/sandbox', { method: 'POST' })).json.id as string;
    const session = await login(server, 'ada', 'lovelace', sandbox);
    const origin = server.origin;
    // The jar as the page holds it after the one-click login.
    jar = [
      { name: 'sandbox', value: sandbox, origin, path: '/', httpOnly: true },
      { name: 'sid', value: session.slice('sid='.length), origin, path: '/', httpOnly: true },
    ];
  });
  afterAll(() => server?.close());

  const titles = async () => ((await call(server, '/api/books?per_page=100', { headers: { 'x-sandbox': sandbox } })).json as { title: string }[]).map((b) => b.title);
  /** The composer's POST /api/books with this title, as the page sends it (its cookies added). */
  const composerRequest = (title: string) =>
    requestToSend(
      { ...emptyDraft(), method: 'POST', url: '/api/books', headers: [row('Content-Type', 'application/json')], bodyType: 'json', body: JSON.stringify({ title, author: 'Octavia E. Butler', year: 1979 }) },
      { jar, useCookies: true, origin: server.origin },
    ).outgoing;

  const RUNNERS: [CopyFormat, string, boolean, (code: string) => Promise<string>][] = [
    ['curl', 'curl', HAS_CURL, (code) => run('bash', ['-c', code])],
    ['httpie', 'HTTPie', HAS_HTTPIE, (code) => run('bash', ['-c', code])],
    ['python', 'python3 with requests', HAS_PYTHON_REQUESTS, (code) => run('python3', ['-c', code])],
    ['fetch', 'node', true, (code) => run(process.execPath, ['--input-type=module', '--no-warnings', '-e', code])],
  ];
  for (const [format, tool, present, runCode] of RUNNERS) {
    describeWithTool(tool, present, `copy as ${format}`, () => {
      it.each(['include', 'placeholder'] as const)('with the secret choice "%s", creates the book in the learner’s sandbox (201)', async (secrets) => {
        const title = `${format} ${secrets} ${Date.now()}`;
        const code = copyRequest(format, { request: composerRequest(title), origin: server.origin, followRedirects: false, secrets, login: { username: 'ada', password: 'lovelace' } });
        if (secrets === 'placeholder') expect(code).not.toContain(jar[1]!.value);
        const output = await runCode(code);
        expect(output.split('\n').find((line) => /\b\d{3}\b/.test(line))).toMatch(/\b201\b/);
        expect(await titles()).toContain(title);
      }, 30_000);
    });
  }
});
