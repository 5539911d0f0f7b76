// The send endpoint's pure helpers, without a server: address classes, target decisions, what undici
// will send, message heads, trailers and body decoding.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../server/send/address-policy';
import { decodeBody, MAX_DECODED_BYTES } from '../../../server/send/body-decode';
import { checkSendable, sendWarnings } from '../../../server/send/request-rules';
import { checkResolvedAddress, decideTarget } from '../../../server/send/target-policy';
import { finalResponseHead, parseChunkedTrailers, parseHead, rawText } from '../../../server/send/wire-format';
import { HttpProblem } from '../../../server/http/problem';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2001:db8::1', 'documentation'],
    ['2606:4700::1111', 'public'],
    ['fe80::abcd%eth0', 'link-local'],
    ['100.100.100.200', 'carrier-nat'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

const CONTEXT = { ownHosts: new Set(['127.0.0.1:3000', 'localhost:3000']), allowOrigins: new Set(['https://api.example.org']) };

describe('decideTarget', () => {
  it.each([
    ['/api/books', 'own', 'http://127.0.0.1:3000/api/books'],
    ['api/books?x=1', 'own', 'http://127.0.0.1:3000/api/books?x=1'],
    ['http://LOCALHOST:3000/get', 'own', 'http://localhost:3000/get'],
    ['https://api.example.org/v1', 'allowlisted', 'https://api.example.org/v1'],
  ])('%s → %s', (raw, kind, url) => {
    const target = decideTarget(raw, 'http://127.0.0.1:3000', CONTEXT);
    expect(target.kind).toBe(kind);
    expect(target.url.toString()).toBe(url);
  });

  it('refuses the rest with a reason', () => {
    expect(() => decideTarget('//evil.example/x', 'http://127.0.0.1:3000', CONTEXT)).toThrow(/only sends requests to itself/);
  });
});

describe('checkResolvedAddress (an allowlisted origin, right before connecting)', () => {
  it.each([
    ['a name with a public answer', 'api.example.org', '93.184.216.34', 'name', null],
    ['a name with a private answer', 'api.example.org', '10.0.0.5', 'name', 'private'],
    ['a name with a loopback answer', 'api.example.org', '127.0.0.1', 'name', 'loopback'],
    ['localhost answering loopback', 'localhost', '::1', 'name', null],
    ['localhost answering private', 'localhost', '10.0.0.5', 'name', 'private'],
    ['a private address the operator listed', '10.0.0.5', '10.0.0.5', 'address', null],
    ['the metadata address the operator listed', '169.254.169.254', '169.254.169.254', 'address', 'link-local'],
  ] as const)('%s', (_what, hostname, address, listedAs, reason) => {
    const attempt = () => checkResolvedAddress(hostname, address, listedAs);
    if (reason === null) {
      expect(attempt).not.toThrow();
    } else {
      expect(attempt).toThrow(HttpProblem);
      try {
        attempt();
      } catch (problem) {
        expect((problem as HttpProblem).extra.reason).toBe(reason);
      }
    }
  });
});

describe('checkSendable', () => {
  it('accepts what undici sends: any token method, Latin-1 values, a matching Content-Length', () => {
    expect(() => checkSendable('FOO', [['X-Name', 'café'], ['Content-Length', '3'], ['Connection', 'close']], 3)).not.toThrow();
  });

  it.each([
    ['DELETE', [['Bad Name', 'x']], 0, 'headers[0][0]'],
    ['GET', [['A', 'ok'], ['B', 'line\nbreak']], 0, 'headers[1][1]'],
    ['POST', [['Content-Length', '2']], 3, 'headers[0][1]'],
    ['POST', [['Content-Length', '-3']], 0, 'headers[0][1]'],
    ['CONNECT', [], 0, 'method'],
  ] as const)('%s with %j (body %i bytes) is refused at %s', (method, headers, size, field) => {
    try {
      checkSendable(method, headers as unknown as [string, string][], size);
      expect.unreachable();
    } catch (problem) {
      expect((problem as HttpProblem).slug).toBe('request-not-sendable');
      expect((problem as HttpProblem).extra.errors).toEqual([expect.objectContaining({ field })]);
    }
  });
});

describe('sendWarnings', () => {
  it('warns about a body on a method without body semantics', () => {
    expect(sendWarnings('DELETE', [], undefined, 4)).toEqual([expect.stringMatching(/body on DELETE/)]);
    expect(sendWarnings('POST', [], undefined, 4)).toEqual([]);
  });

  it('names headers that did not go out as typed, ignoring case and surrounding space', () => {
    const typed: [string, string][] = [['Accept', ' */* '], ['X-Gone', '1'], ['Connection', 'Upgrade']];
    const sent: [string, string][] = [['host', 'x'], ['connection', 'keep-alive'], ['accept', '*/*']];
    expect(sendWarnings('GET', typed, sent, 0)).toEqual([
      'Your header "X-Gone: 1" did not go on the wire as typed.',
      expect.stringMatching(/"Connection: Upgrade" was replaced by "connection: keep-alive"/),
    ]);
  });
});

describe('message heads', () => {
  it('splits a head keeping order, case and duplicates, and skips interim responses', () => {
    const bytes = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA: 1\r\na: 2\r\n\r\nbody');
    const head = finalResponseHead(bytes)!;
    expect(head.startLine).toBe('HTTP/1.1 200 OK');
    expect(head.headers).toEqual([['A', '1'], ['a', '2']]);
    expect(head.interim.map((h) => h.startLine)).toEqual(['HTTP/1.1 100 Continue']);
    expect(bytes.subarray(head.offset + head.length).toString()).toBe('body');
  });

  it('is undefined until the blank line has arrived', () => {
    expect(parseHead(Buffer.from('HTTP/1.1 200 OK\r\nA: 1\r\n'))).toBeUndefined();
  });

  it('shows text bodies, notes binary ones and says how much more there was', () => {
    expect(rawText(Buffer.from('H\r\n\r\nabc'), 5, 2, 8)).toBe('H\r\n\r\nab\n[… 1 more bytes]');
    expect(rawText(Buffer.from([72, 13, 10, 13, 10, 0, 1]), 5, 100)).toBe('H\r\n\r\n[2 bytes of binary data]');
  });
});

describe('parseChunkedTrailers', () => {
  it.each([
    ['no trailers', '3\r\nabc\r\n0\r\n\r\n', []],
    ['two trailers', '3;ext=1\r\nabc\r\n0\r\nA-B: 1\r\nc: 2\r\n\r\n', [['A-B', '1'], ['c', '2']]],
    ['an unfinished body', '3\r\nabc\r\n0\r\nA: 1\r\n', undefined],
    ['a body that is not chunked', 'hello', undefined],
  ])('%s', (_what, body, trailers) => {
    expect(parseChunkedTrailers(Buffer.from(`HEAD\r\n\r\n${body}`), 8)).toEqual(trailers);
  });
});

describe('decodeBody', () => {
  it('decodes a gzip body cut short by the size limit as far as it goes', async () => {
    const text = 'The quick brown fox. '.repeat(2000);
    const gz = gzipSync(text);
    const decoded = await decodeBody(gz.subarray(0, Math.floor(gz.length / 2)), 'gzip', 1_000_000);
    expect(decoded.coding).toBe('gzip');
    expect(decoded.size).toBeGreaterThan(0);
    expect(text.startsWith(decoded.bytes.toString())).toBe(true);
  });

  it('keeps only the first bytes of a large body and stops counting at the ceiling', async () => {
    const decoded = await decodeBody(gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1_000_000)), 'gzip', 10);
    expect(decoded.bytes.length).toBe(10);
    expect(decoded.capped).toBe(true);
  });

  it.each([
    ['identity', 'hello', undefined],
    ['zstd', 'hello', /cannot decode the zstd/],
    ['gzip, br', 'hello', /encoded several times/],
    ['gzip', 'hello', /not valid gzip data/],
  ])('leaves a %s body as it came', async (coding, body, problem) => {
    const decoded = await decodeBody(Buffer.from(body), coding, 100);
    expect(decoded.bytes.toString()).toBe(body);
    expect(decoded.coding).toBeUndefined();
    if (problem) expect(decoded.problem).toMatch(problem);
    else expect(decoded.problem).toBeUndefined();
  });
});
