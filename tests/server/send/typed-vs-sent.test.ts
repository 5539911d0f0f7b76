import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import type { HeaderComparison, Transcript } from '../../../server/protocol/api-types';
import { compareTypedWithSent, type TypedRequest } from '../../../server/send/typed-vs-sent';
import { startCaptureServer } from '../../client/formats/capture-server';
import { call, startServer } from '../../helpers/server';

const request = (headers: [string, string][], body: string | null = null, url = 'http://localhost:3000/api/books'): TypedRequest => ({
  url,
  headers,
  body: body === null ? null : Buffer.from(body),
});

const brief = (rows: HeaderComparison[]) => rows.map((r) => [r.kind, r.name, r.typed, r.sent]);

describe('typed vs sent', () => {
  it('shows what undici added around what was typed, in wire order', () => {
    const typed = request([['Content-Type', 'application/json'], ['Accept', 'application/json']], '{"a":"é"}');
    const rows = compareTypedWithSent(typed, [
      ['host', 'localhost:3000'],
      ['connection', 'keep-alive'],
      ['Content-Type', 'application/json'],
      ['Accept', 'application/json'],
      ['content-length', '10'],
    ]);
    expect(brief(rows)).toEqual([
      ['added-by-client', 'host', undefined, 'localhost:3000'],
      ['added-by-client', 'connection', undefined, 'keep-alive'],
      ['same', 'Content-Type', 'application/json', 'application/json'],
      ['same', 'Accept', 'application/json', 'application/json'],
      ['added-by-client', 'content-length', undefined, '10'],
    ]);
    expect(rows[0]!.note).toBe('HTTP/1.1 requires Host (RFC 9112 §3.2); the client took it from the URL (localhost:3000). In a browser only the browser sets this header; fetch() may not.');
    expect(rows[4]!.note).toBe('The body is 10 bytes, so the client announced how many follow (RFC 9110 §8.6). In a browser only the browser sets this header; fetch() may not.');
    expect(rows[2]!.note).toBeUndefined();
  });

  it('pairs repeated headers in order, whatever their case', () => {
    const rows = compareTypedWithSent(request([['X-Dup', 'one'], ['x-dup', 'two'], ['X-DUP', 'three']]), [
      ['X-Dup', 'one'],
      ['x-dup', 'TWO'],
    ]);
    expect(brief(rows)).toEqual([
      ['same', 'X-Dup', 'one', 'one'],
      ['changed', 'x-dup', 'two', 'TWO'],
      ['dropped', 'X-DUP', 'three', undefined],
    ]);
    expect(rows[2]!.note).toBe('The client did not send this header.');
  });

  it('places a dropped header after the typed header before it', () => {
    const rows = compareTypedWithSent(request([['Upgrade', 'h2c'], ['Accept', '*/*'], ['Keep-Alive', 'timeout=5'], ['TE', 'trailers'], ['X-A', '1']]), [
      ['host', 'h'],
      ['Accept', '*/*'],
      ['X-A', '1'],
    ]);
    expect(brief(rows)).toEqual([
      ['dropped', 'Upgrade', 'h2c', undefined],
      ['added-by-client', 'host', undefined, 'h'],
      ['same', 'Accept', '*/*', '*/*'],
      ['dropped', 'Keep-Alive', 'timeout=5', undefined],
      ['dropped', 'TE', 'trailers', undefined],
      ['same', 'X-A', '1', '1'],
    ]);
    expect(rows[3]!.note).toBe(
      'The client manages the connection and the body framing itself, so it left this header out. A browser would not send this from fetch(): it is a forbidden request header, which only the browser sets.',
    );
  });

  it('recognises repeated headers joined into one line', () => {
    const rows = compareTypedWithSent(request([['Cookie', 'a=1'], ['Cookie', 'b=2']]), [['cookie', 'a=1; b=2']]);
    expect(brief(rows)).toEqual([
      ['changed', 'Cookie', 'a=1', 'a=1; b=2'],
      ['dropped', 'Cookie', 'b=2', undefined],
    ]);
    expect(rows[0]!.note).toMatch(/^Sent as cookie: header names are case-insensitive \(RFC 9110 §5\.1\)\. The client joined this value with another\./);
    expect(rows[1]!.note).toMatch(/^Joined into the one cookie line above\./);
  });

  it.each<[string, [string, string], [string, string], HeaderComparison]>([
    [
      'spaces around a value do not count',
      ['X-A', ' 1 '],
      ['X-A', '1'],
      { name: 'X-A', typed: ' 1 ', sent: '1', kind: 'same', note: 'The spaces around a value are not part of it (RFC 9110 §5.5).' },
    ],
    [
      'a typed Content-Length is replaced by the real count',
      ['Content-Length', '99'],
      ['content-length', '2'],
      {
        name: 'Content-Length',
        typed: '99',
        sent: '2',
        kind: 'changed',
        note: 'Sent as content-length: header names are case-insensitive (RFC 9110 §5.1). The client counts the body itself: 2 bytes, whatever was typed. A browser would not send this from fetch(): it is a forbidden request header, which only the browser sets.',
      },
    ],
    [
      'a typed Origin is sent, though a browser would refuse it',
      ['Origin', 'http://evil.example'],
      ['Origin', 'http://evil.example'],
      { name: 'Origin', typed: 'http://evil.example', sent: 'http://evil.example', kind: 'same', note: 'A browser would not send this from fetch(): it is a forbidden request header, which only the browser sets.' },
    ],
  ])('%s', (_name, typedHeader, sentHeader, row) => {
    expect(compareTypedWithSent(request([typedHeader], 'hi'), [sentHeader])).toEqual([row]);
  });

  it('explains the request headers of a real undici send (the sandbox’s client)', async () => {
    const server = await startCaptureServer();
    const client = new Client(server.origin);
    try {
      const typed = request([['Host', 'books.example'], ['Content-Type', 'text/plain'], ['X-Dup', 'a'], ['x-dup', 'b']], 'hello', `${server.origin}/post`);
      const response = await client.request({ method: 'POST', path: '/post', headers: typed.headers.flat(), body: 'hello' });
      await response.body.text();
      const rows = compareTypedWithSent(typed, server.requests[0]!.headers);
      expect(rows.map((r) => [r.kind, r.name])).toEqual([
        ['same', 'Host'],
        ['added-by-client', 'connection'],
        ['same', 'Content-Type'],
        ['same', 'X-Dup'],
        ['same', 'x-dup'],
        ['added-by-client', 'content-length'],
      ]);
      expect(rows[0]!.note).toMatch(/^Sent as host: header names are case-insensitive/);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('shows the cookies the page added as added by the page, saying what each is for', () => {
    const cookie: [string, string] = ['Cookie', 'sandbox=maya; sid=s3cret'];
    const rows = compareTypedWithSent(request([['Accept', '*/*'], cookie]), [['host', 'localhost:3000'], ['Accept', '*/*'], ['Cookie', 'sandbox=maya; sid=s3cret']], new Set([cookie]));
    expect(brief(rows)).toEqual([
      ['added-by-client', 'host', undefined, 'localhost:3000'],
      ['same', 'Accept', '*/*', '*/*'],
      ['added-by-page', 'Cookie', undefined, 'sandbox=maya; sid=s3cret'],
    ]);
    expect(rows[2]!.note).toBe(
      'The page sent the cookies its jar holds for this server, as a browser would (RFC 6265 §5.4): sandbox picks your own sandbox, so your changes stay yours; sid is your login (from POST /api/session). You did not type them.',
    );
  });

  it('comes in the transcript of POST /app/send, once per hop, with the page’s additions marked', async () => {
    const server = await startServer();
    try {
      const response = await call(server, '/app/send', {
        method: 'POST',
        json: { method: 'GET', url: '/api/books', headers: [['Accept', 'application/json'], ['Cookie', 'sandbox=maya']], addedByPage: [1] },
      });
      expect(response.status).toBe(200);
      const rows = (response.json as Transcript).exchanges[0]!.typedVsSent!;
      expect(rows.map((r) => [r.kind, r.name.toLowerCase()])).toEqual([
        ['added-by-client', 'host'],
        ['added-by-client', 'connection'],
        ['same', 'accept'],
        ['added-by-page', 'cookie'],
      ]);
    } finally {
      await server.close();
    }
  });
});
