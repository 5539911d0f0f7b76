// The reference dataset is complete and correct: every registered status code (and 418), the headers
// the sandbox sends, the nine methods — and every "ready request" really gets its code.
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import { mkdtempSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/client-build';
import { loadReferenceData, ReferenceDataError } from '../../server/reference/reference-data';
import { call, login, startServer, type TestServer } from '../helpers/server';

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
    server = await startServer();
  });
  afterAll(() => server.close());
  const ready = data.statusCodes.filter((e) => e.readyRequest);

  it('has ready requests for the codes learners meet most', () => {
    expect(ready.map((e) => e.code)).toEqual(expect.arrayContaining([200, 202, 204, 304, 308, 400, 401, 404, 405, 406, 409, 415, 422, 501]));
  });

  it.each(ready.map((e) => [e.code, e.readyRequest!] as const))('%i', async (code, request) => {
    const response = await call(server, request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers ?? []),
      body: request.body,
    });
    expect(response.status).toBe(code);
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

describe('methods', () => {
  it.each([
    ['GET', true, true],
    ['HEAD', true, true],
    ['OPTIONS', true, true],
    ['TRACE', true, true],
    ['PUT', false, true],
    ['DELETE', false, true],
    ['POST', false, false],
    ['PATCH', false, false],
    ['CONNECT', false, false],
  ])('%s: safe %s, idempotent %s', (name, safe, idempotent) => {
    expect(data.methods.find((m) => m.name === name)).toMatchObject({ safe, idempotent });
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
