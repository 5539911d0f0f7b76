import { describe, expect, it } from 'vitest';
import { checkInboxResponse, DENIED_RESPONSE_HEADERS } from '../../../server/classroom/inbox-response';
import { INBOX_RESPONSE_BODY_MAX, INBOX_RESPONSE_HEADERS_MAX } from '../../../server/classroom/limits';

function errorsOf(input: Parameters<typeof checkInboxResponse>[0]): string[] {
  const result = checkInboxResponse(input);
  return result.ok ? [] : result.errors.map((e) => `${e.field}: ${e.message}`);
}

describe('checking an inbox response the owner configures', () => {
  it('accepts a status, ordered headers with repeats, and a text body', () => {
    const result = checkInboxResponse({ status: 418, headers: [['X-Tea', 'green'], ['X-Tea', 'black'], ['Content-Type', 'text/plain']], body: "I'm a teapot" });
    expect(result).toMatchObject({ ok: true, response: { status: 418, headers: [['X-Tea', 'green'], ['X-Tea', 'black'], ['Content-Type', 'text/plain']], bodyEncoding: 'text' } });
  });

  it('decodes a base64 body to bytes', () => {
    const result = checkInboxResponse({ status: 200, body: Buffer.from([0, 1, 2]).toString('base64'), bodyEncoding: 'base64' });
    expect(result.ok && [...result.bodyBytes]).toEqual([0, 1, 2]);
  });

  it.each(Object.keys(DENIED_RESPONSE_HEADERS))('refuses the header %s and says why', (name) => {
    const [error] = errorsOf({ status: 200, headers: [[name, 'x']] });
    expect(error).toMatch(new RegExp(`^headers\\[0\\]: ${name} cannot be set on an inbox response: .{20,}`));
  });

  it('refuses Set-Cookie in any spelling', () => {
    expect(errorsOf({ status: 200, headers: [['SET-COOKIE', 'sid=evil; Path=/']] })).toHaveLength(1);
  });

  it.each([
    ['/inbox-view/abc', true],
    ['/api/books?page=2', true],
    ['https://evil.example/', false],
    ['//evil.example/', false],
    ['/\\evil.example', false],
    ['javascript:alert(1)', false],
  ])('allows Location %s: %s', (location, allowed) => {
    expect(errorsOf({ status: 302, headers: [['Location', location]] }).length === 0).toBe(allowed);
  });

  it.each([
    ['5', true],
    ['5; url=/api/books', true],
    ['0; url=https://evil.example', false],
  ])('allows Refresh %j: %s', (value, allowed) => {
    expect(errorsOf({ status: 200, headers: [['Refresh', value]] }).length === 0).toBe(allowed);
  });

  it.each([
    [100, 'status'],
    [101, 'status'],
    [199, 'status'],
    [600, 'status'],
    [200.5, 'status'],
  ])('refuses status %s', (status, field) => {
    expect(errorsOf({ status })[0]).toMatch(new RegExp(`^${field}: must be a whole number from 200 to 599`));
  });

  it.each([204, 205, 304])('refuses a body with %i, which never has one', (status) => {
    expect(errorsOf({ status, body: 'x' })[0]).toMatch(/^body: must be empty: a \d+ response never has a body/);
    expect(errorsOf({ status })).toEqual([]);
  });

  it.each([
    ['a name with a space', [['X Bad', '1']], /not a valid header name/],
    ['a value with CR LF', [['X-Split', 'a\r\nSet-Cookie: x=1']], /line break or control character/],
    ['a value too long', [['X-Long', 'x'.repeat(3_000)]], /at most 2048/],
  ] as const)('refuses %s', (_what, headers, message) => {
    expect(errorsOf({ status: 200, headers: headers.map(([n, v]) => [n, v]) })[0]).toMatch(message);
  });

  it('limits the number of headers and the body size', () => {
    const headers = Array.from({ length: INBOX_RESPONSE_HEADERS_MAX + 1 }, (_, i): [string, string] => [`X-${i}`, '1']);
    expect(errorsOf({ status: 200, headers })[0]).toMatch(new RegExp(`use at most ${INBOX_RESPONSE_HEADERS_MAX}`));
    expect(errorsOf({ status: 200, body: 'x'.repeat(INBOX_RESPONSE_BODY_MAX + 1) })[0]).toMatch(/^body: is \d+ bytes/);
  });

  it('refuses a body that is not base64 when it says it is', () => {
    expect(errorsOf({ status: 200, body: 'not base64!', bodyEncoding: 'base64' })[0]).toMatch(/not valid base64/);
  });
});
