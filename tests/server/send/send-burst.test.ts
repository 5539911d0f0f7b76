// "Everyone, press Send now": 300 students, each with the sandbox cookie their page got, send
// GET /api/books through POST /app/send at the same moment, from one address as behind a classroom's NAT,
// with the server's default limits. All are served with their exchange (the server used to answer 503
// past 32 sends at once). A client that really floods is refused with 429, while the class is still served.
// Timing targets are checked by `npm run bench` (tests/bench/send-burst.ts), not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transcript } from '../../../server/protocol/api-types';
import { DEFAULT_CONFIG } from '../../../server/config';
import { call, startServer, type TestResponse, type TestServer } from '../../helpers/server';

const STUDENTS = 300;

function sendBooks(server: TestServer, sandbox: string): Promise<TestResponse> {
  return call(server, '/app/send', {
    method: 'POST',
    headers: { cookie: `sandbox=${sandbox}` },
    // The page's cookie jar sends the learner's sandbox cookie with the request, as the composer does.
    json: { method: 'GET', url: '/api/books', headers: [['Cookie', `sandbox=${sandbox}`]] },
  });
}

function header(transcript: Transcript, name: string): string | undefined {
  return transcript.exchanges[0]!.response!.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

describe('300 students sending at once through the send endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('serves every one of them with a 200 and their own exchange', async () => {
    const responses = await Promise.all(Array.from({ length: STUDENTS }, (_, i) => sendBooks(server, `burst-${i}`)));
    expect(responses.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);
    responses.forEach((response, i) => {
      const transcript = response.json as Transcript;
      expect(transcript.exchanges).toHaveLength(1);
      expect(transcript.exchanges[0]!.request.raw).toMatch(/^GET \/api\/books HTTP\/1\.1\r\n/);
      expect(transcript.exchanges[0]!.response!.status).toBe(200);
      // Each answer is the student's own: the toy API says which sandbox it used.
      expect(header(transcript, 'x-sandbox')).toBe(`burst-${i}`);
    });
    // More were asked for at once than run at once, so the rest waited their turn.
    expect(STUDENTS).toBeGreaterThan(DEFAULT_CONFIG.sendConcurrency);
  });

  it('counts the rate limits per learner, also for the requests it sends: a class logging in at once is not refused', async () => {
    // Every request the send endpoint makes comes from this server's own address. A learner who names
    // the sandbox with X-Sandbox (as the lessons do) is still counted alone, so 35 log-ins at once stay
    // within LOGIN_RATE_PER_MINUTE (30) each, where one shared count for the address would refuse some.
    const learners = DEFAULT_CONFIG.loginRatePerMinute + 5;
    const logins = await Promise.all(
      Array.from({ length: learners }, (_, i) =>
        call(server, '/app/send', {
          method: 'POST',
          headers: { cookie: `sandbox=login-${i}` },
          json: {
            method: 'POST',
            url: '/api/session',
            headers: [['Content-Type', 'application/json'], ['X-Sandbox', `login-${i}`]],
            body: { encoding: 'text', data: JSON.stringify({ username: 'ada', password: 'lovelace' }) },
          },
        }),
      ),
    );
    expect(logins.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const inner = logins.map((r) => (r.json as Transcript).exchanges[0]!.response!.status);
    expect(inner.filter((status) => status !== 201)).toEqual([]);
  });

  it('refuses only the client that floods, with 429, Retry-After and what to do, while the class is served', async () => {
    const flood = DEFAULT_CONFIG.sendClientConcurrency + DEFAULT_CONFIG.sendQueuePerClient + 20;
    const [flooder, class_] = await Promise.all([
      Promise.all(Array.from({ length: flood }, () => sendBooks(server, 'flooder'))),
      Promise.all(Array.from({ length: 60 }, (_, i) => sendBooks(server, `class-${i}`))),
    ]);
    expect(class_.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const refused = flooder.filter((r) => r.status === 429);
    const served = flooder.filter((r) => r.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(DEFAULT_CONFIG.sendClientConcurrency);
    expect(served.length + refused.length).toBe(flood);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    const problem = refused[0]!;
    expect(problem.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem.headers['retry-after']).toBe('1');
    expect(problem.json).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
    expect(problem.json.detail).toMatch(/Wait for their answers before sending more/);
  });
});
