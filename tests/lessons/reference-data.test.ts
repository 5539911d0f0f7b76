// The reference dataset is complete and correct: every registered status code (and 418), the headers
// the sandbox sends, the nine methods — and every "ready request" really gets its code.
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { mkdtempSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import { loadReferenceData, ReferenceDataError } from '../../server/reference/reference-data';
import { interimStatuses } from '../../server/protocol/lesson-goals';
import { call, login, startServer, type TestServer } from '../helpers/server';
import { runCheckPart, SandboxRun } from './run-check';
import { loadLessons } from '../../server/lessons/load-lessons';
import { wrongAttempts } from '../../server/protocol/lesson-format';
import type { Goal } from '../../server/protocol/lesson-goals';
import type { Exchange } from '../../server/protocol/api-types';
import { COURSE_LIMITS } from '../../server/echo/limits';

const DIR = join(PROJECT_ROOT, 'lessons', 'reference');
const data = loadReferenceData(DIR);

/** The IANA HTTP Status Code Registry (assigned codes and reason phrases). */
const IANA: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy', 306: '(Unused)', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed', 421: 'Misdirected Request', 422: 'Unprocessable Content', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended', 511: 'Network Authentication Required',
};

describe('status codes', () => {
  const byCode = new Map(data.statusCodes.map((e) => [e.code, e]));

  it('lists all 62 registered codes with IANA reason phrases, plus 418 marked non-standard', () => {
    expect(Object.keys(IANA)).toHaveLength(62);
    for (const [code, reason] of Object.entries(IANA)) {
      expect(byCode.get(Number(code))?.reason, `code ${code}`).toBe(reason);
      expect(byCode.get(Number(code))?.standard).toBe(true);
    }
    expect(byCode.get(418)).toMatchObject({ reason: "I'm a teapot", standard: false });
    expect(data.statusCodes).toHaveLength(63);
  });

  it.each([
    ['1xx', 4],
    ['2xx', 10],
    ['3xx', 9],
    ['4xx', 29],
    ['5xx', 11],
  ])('has the right number of %s codes (4xx counts 418)', (klass, count) => {
    expect(data.statusCodes.filter((e) => `${String(e.code)[0]}xx` === klass)).toHaveLength(count);
  });

  it('knows every code Node.js knows, except 509, which IANA never registered', () => {
    for (const code of Object.keys(STATUS_CODES).map(Number).filter((c) => c !== 509)) {
      expect(byCode.has(code), `Node knows ${code}`).toBe(true);
    }
    expect(byCode.has(509)).toBe(false);
  });

  it('explains why reason phrases on the wire may differ (RFC 9112 §4), and that 104 is only temporarily registered', () => {
    expect(data.unknownCodes).toMatch(/RFC 9112 §4/);
    expect(data.unknownCodes).toMatch(/Payload Too Large/);
    expect(data.unknownCodes).toMatch(/104/);
    expect(byCode.get(413)?.meaning).toMatch(/Payload Too Large.*RFC 9112 §4/);
    expect(byCode.get(422)?.meaning).toMatch(/Unprocessable Entity.*RFC 9112 §4/);
  });

  it('marks the codes cacheable by default (RFC 9110 §15.1, and 451 by RFC 7725 §3), and no others', () => {
    const cacheable = data.statusCodes.filter((e) => e.cacheableByDefault).map((e) => e.code);
    expect(cacheable).toEqual([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501]);
    expect(data.statusCodes.every((e) => typeof e.cacheableByDefault === 'boolean')).toBe(true);
  });

  it.each([
    [401, 'WWW-Authenticate'], [405, 'Allow'], [201, 'Location'], [301, 'Location'], [308, 'Location'],
    [206, 'Content-Range'], [416, 'Content-Range'], [429, 'Retry-After'], [503, 'Retry-After'],
  ])('says what must or should come with %i: %s', (code, header) => {
    expect(byCode.get(code)?.accompany?.join(' ')).toContain(header);
  });

  it('marks 102 deprecated and keeps 400 as the generic client error', () => {
    expect(byCode.get(102)?.meaning).toMatch(/^Deprecated/);
    expect(byCode.get(400)?.mistake).not.toMatch(/that is 422/);
    expect(byCode.get(400)?.meaning).toMatch(/RFC 9110 §15\.5\.1/);
  });

  it('teaches that 451 is a code and 450 is not, and what to do with an unknown code', () => {
    expect(byCode.get(451)?.meaning).toMatch(/450 is not/);
    expect(byCode.has(450)).toBe(false);
    expect(data.unknownCodes).toMatch(/x00/);
  });

  it('marks 306 unused and gives each code its class', () => {
    expect(byCode.get(306)?.unused).toBe(true);
    for (const e of data.statusCodes) {
      expect(e.class).toBe(['informational', 'success', 'redirection', 'client-error', 'server-error'][Math.floor(e.code / 100) - 1]);
    }
  });
});

describe('ready requests get their code from a live sandbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000 });
  });
  afterAll(() => server.close());
  const ready = data.statusCodes.filter((e) => e.readyRequest);

  it('has one for every code the sandbox can produce: all but 100, 101 and 102', () => {
    // 100 needs Expect: 100-continue, which the send endpoint's client (undici) refuses to send; nothing
    // here switches protocols (101) or runs WebDAV (102).
    expect(data.statusCodes.filter((e) => !e.readyRequest).map((e) => e.code)).toEqual([100, 101, 102]);
  });

  it('uses the toy API (or a purposeful echo endpoint) for the codes learners meet most', () => {
    const viaStatusEndpoint = ready.filter((e) => e.readyRequest!.url.startsWith('/status/')).map((e) => e.code);
    for (const code of [200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 404, 405, 406, 409, 412, 415, 416, 422, 500, 501, 502, 504]) {
      expect(viaStatusEndpoint, `${code}`).not.toContain(code);
    }
  });

  // The headers that must or should come with a code (RFC 9110 §15): a ready request shows them for real.
  const ACCOMPANY: Record<number, string> = {
    201: 'location', 301: 'location', 302: 'location', 303: 'location', 307: 'location', 308: 'location',
    206: 'content-range', 416: 'content-range', 401: 'www-authenticate', 405: 'allow', 407: 'proxy-authenticate',
    429: 'retry-after', 503: 'retry-after',
  };
  it.each(Object.entries(ACCOMPANY).map(([code, name]) => [Number(code), name] as const))('%i comes with %s', async (code, name) => {
    const request = data.statusCodes.find((e) => e.code === code)!.readyRequest!;
    const [exchange] = await new SandboxRun(server).send([request]);
    expect(exchange!.response?.status).toBe(code);
    expect(exchange!.response?.headers.some(([n]) => n.toLowerCase() === name), `${code} without ${name}`).toBe(true);
  });

  // No single request gets a real 429 here (/limited counts requests per learner, and a fresh one starts
  // at zero), so Try it uses the status page; the entry says how to meet a real one, and that is true.
  it('429: Try it is the status page, and the entry says how /limited gives a real one with Retry-After', async () => {
    const entry = data.statusCodes.find((e) => e.code === 429)!;
    const { rateLimitRequests: quota, rateLimitWindowSeconds: seconds } = COURSE_LIMITS;
    expect(entry.readyRequest).toEqual({ method: 'GET', url: '/status/429' });
    expect(entry.when).toContain(`GET /limited more than ${quota} times in ${seconds} seconds`);
    const once = await new SandboxRun(server).send([{ method: 'GET', url: '/limited' }]);
    expect(once[0]!.response?.status).toBe(200);
    const exchanges = await new SandboxRun(server).send(Array.from({ length: quota + 1 }, () => ({ method: 'GET', url: '/limited' })));
    expect(exchanges.map((e) => e.response?.status)).toEqual([...Array.from({ length: quota }, () => 200), 429]);
    expect(exchanges.at(-1)!.response!.headers.some(([n]) => n.toLowerCase() === 'retry-after')).toBe(true);
  });

  // Sent as the composer sends them (POST /app/send), each in a fresh sandbox; a 1xx arrives before the final answer.
  it.each(ready.map((e) => [e.code, e.readyRequest!.method, e.readyRequest!.url, e.readyRequest!] as const))('%i: %s %s', async (code, _method, _url, request) => {
    const exchanges = await new SandboxRun(server).send([request]);
    expect(exchanges).toHaveLength(1);
    if (code < 200) expect(interimStatuses(exchanges[0]!)).toContain(code);
    else expect(exchanges[0]!.response?.status).toBe(code);
  });
});

describe('headers', () => {
  it('has at least 40, each explained with its direction, an example and its source', () => {
    expect(data.headers.length).toBeGreaterThanOrEqual(40);
    expect(new Set(data.headers.map((h) => h.name.toLowerCase())).size).toBe(data.headers.length);
  });

  it('covers every header the toy API sends', async () => {
    const server = await startServer();
    const cookie = await login(server, 'ada', 'lovelace', 'headers');
    const responses = await Promise.all([
      call(server, '/api/books'),
      call(server, '/api/books/1'),
      call(server, '/api/books', { method: 'OPTIONS' }),
      call(server, '/api/books', { method: 'PUT' }),
      call(server, '/api/books', { method: 'POST', json: {} }),
      call(server, '/api/books', { method: 'POST', headers: { 'x-sandbox': 'headers', cookie }, json: { title: 't', author: 'a', year: 1 } }),
      call(server, '/api/books/1/exports', { method: 'POST' }),
      call(server, '/api/session', { method: 'POST', json: { username: 'ada', password: 'lovelace' } }),
      call(server, '/api/books/1', { method: 'PATCH', headers: { 'content-type': 'text/plain' }, body: 'x' }),
    ]);
    await server.close();
    const known = new Set(data.headers.map((h) => h.name.toLowerCase()));
    const sent = new Set(responses.flatMap((r) => Object.keys(r.headers)));
    for (const name of sent) expect(known.has(name), `${name} is explained`).toBe(true);
  });
});

describe('headers a learner meets', () => {
  // Names the headers lesson makes up on purpose, to show that any token is a valid field name.
  const MADE_UP = ['course', 'lesson'];
  const known = new Set([...data.headers.map((h) => h.name.toLowerCase()), ...MADE_UP]);
  const lessons = loadLessons(join(PROJECT_ROOT, 'lessons'));

  it('explains every header a lesson names in a goal or a request', () => {
    const named = new Set<string>();
    const fromGoal = (goal: Goal): void => {
      if ('all' in goal) goal.all.forEach(fromGoal);
      else if ('any' in goal) goal.any.forEach(fromGoal);
      else if ('earlier' in goal) fromGoal(goal.earlier);
      else if ('header' in goal) named.add(goal.header.name);
      else if ('requestHeader' in goal) named.add(goal.requestHeader.name);
      else if ('repeated' in goal) [goal.repeated.sameHeader, goal.repeated.differentHeader].forEach((n) => n && named.add(n));
    };
    for (const step of lessons.flatMap((l) => l.steps)) {
      fromGoal(step.goal);
      const requests = [step.request, ...(step.check.setup ?? []), ...step.check.reference, ...wrongAttempts(step.check).flatMap((a) => a.requests)];
      for (const request of requests) for (const [name] of request?.headers ?? []) named.add(name);
    }
    expect([...named].filter((name) => !known.has(name.toLowerCase()))).toEqual([]);
  });

  it('explains every header of the exchanges of the ready requests and the lessons', async () => {
    const server = await startServer({ loginRatePerMinute: 10_000, sendRatePerMinute: 100_000, classroomCreatePerMinute: 10_000 });
    const seen = new Set<string>();
    const note = (exchanges: Exchange[]) => {
      for (const e of exchanges) for (const [name] of [...e.request.headers, ...(e.response?.headers ?? [])]) seen.add(name.toLowerCase());
    };
    for (const entry of data.statusCodes) if (entry.readyRequest) note(await new SandboxRun(server).send([entry.readyRequest]));
    for (const step of lessons.flatMap((l) => l.steps)) note(await runCheckPart(server, step.check.setup ?? [], step.check.reference));
    await server.close();
    expect([...seen].filter((name) => !known.has(name))).toEqual([]);
    // Every ready request and every lesson step's reference, one after another: seconds of work, not a
    // performance check (npm run bench measures speed).
  }, 120_000);
});

describe('methods', () => {
  // RFC 9110 §9.2 (safe, idempotent, cacheable: GET, HEAD and POST, §9.2.3) and RFC 5789 §2 for PATCH.
  it.each([
    ['GET', true, true, true],
    ['HEAD', true, true, true],
    ['OPTIONS', true, true, false],
    ['TRACE', true, true, false],
    ['PUT', false, true, false],
    ['DELETE', false, true, false],
    ['POST', false, false, true],
    ['PATCH', false, false, true],
    ['CONNECT', false, false, false],
  ])('%s: safe %s, idempotent %s, cacheable %s', (name, safe, idempotent, cacheable) => {
    expect(data.methods.find((m) => m.name === name)).toMatchObject({ safe, idempotent, cacheable, body: expect.any(String), rfc: expect.stringMatching(/^RFC \d+ §/) });
  });

  it.each(['POST', 'PATCH'])('says when %s answers may be cached: explicit freshness and a matching Content-Location', (name) => {
    expect(data.methods.find((m) => m.name === name)?.cacheableWhen).toMatch(/freshness.*Content-Location/);
  });

  it('says what the toy API does with PUT: replaces every field, and 404 for an id that does not exist', () => {
    expect(data.methods.find((m) => m.name === 'PUT')?.meaning).toMatch(/404.*default/);
  });

  it('lists exactly the nine registered common methods', () => {
    expect(data.methods.map((m) => m.name).sort()).toEqual(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);
  });
});

describe('loading', () => {
  it('refuses a broken data file, naming the file and the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-'));
    cpSync(DIR, dir, { recursive: true });
    const file = join(dir, 'headers.json');
    const broken = JSON.parse(readFileSync(file, 'utf8'));
    broken.headers[3].direction = 'sideways';
    writeFileSync(file, JSON.stringify(broken));
    expect(() => loadReferenceData(dir)).toThrow(ReferenceDataError);
    expect(() => loadReferenceData(dir)).toThrow(/headers\.json .*\/headers\/3\/direction/);
  });
});
