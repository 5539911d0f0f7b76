import { describe, expect, it } from 'vitest';
import { asText, bodyView, captureRequest, previewBodyView, rawRequest, splitTarget, wireHeaders } from '../../../server/classroom/capture';

describe('capturing a request as it arrived', () => {
  it.each([
    ['JSON', Buffer.from('{"a":1}'), 'text'],
    ['UTF-8 text with accents and emoji', Buffer.from('héllo 👋\r\n\ttab'), 'text'],
    ['malformed JSON (still text)', Buffer.from('{"broken'), 'text'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'base64'],
    ['text with a NUL byte', Buffer.from('a\u0000b'), 'base64'],
    ['a PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'base64'],
  ])('shows %s as %s', (_what, bytes, encoding) => {
    const view = bodyView(bytes)!;
    expect(view.encoding).toBe(encoding);
    expect(Buffer.from(view.data, encoding === 'text' ? 'utf8' : 'base64')).toEqual(bytes);
    expect(view).toMatchObject({ wireSize: bytes.length, decodedSize: bytes.length, truncated: false });
  });

  it('has no body view for an empty body', () => {
    expect(bodyView(Buffer.alloc(0))).toBeNull();
  });

  it('cuts a preview without splitting a character, and says it was cut', () => {
    const view = bodyView(Buffer.from('aé'.repeat(10)))!;
    const preview = previewBodyView(view, 4)!;
    expect(preview).toMatchObject({ encoding: 'text', data: 'aéa', truncated: true, wireSize: 30 });
    expect(previewBodyView(view, 1000)).toBe(view);
  });

  it('keeps header order, spelling and duplicates from rawHeaders', () => {
    expect(wireHeaders(['Host', 'x', 'X-Twice', '1', 'x-twice', '2'])).toEqual([
      ['Host', 'x'],
      ['X-Twice', '1'],
      ['x-twice', '2'],
    ]);
  });

  it.each([
    ['/inbox/abc', '/', ''],
    ['/inbox/abc/', '/', ''],
    ['/inbox/abc/hooks/github?x=1&y', '/hooks/github', 'x=1&y'],
    ['/inbox/abc?only=query', '/', 'only=query'],
  ])('splits %s into path %s and query %j', (target, path, query) => {
    expect(splitTarget(target, 'abc')).toEqual({ path, query });
  });

  it('writes the raw message with CRLF line ends, and a note instead of binary bytes', () => {
    const headers = wireHeaders(['Host', 'x', 'Content-Length', '3']);
    expect(rawRequest('POST', '/inbox/a/', '1.1', headers, bodyView(Buffer.from('abc')))).toBe(
      'POST /inbox/a/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
    );
    expect(rawRequest('POST', '/', '1.1', [], bodyView(Buffer.from([0xff, 0x00])))).toContain('[2 bytes of binary data');
  });

  it('builds the whole capture', () => {
    const capture = captureRequest('abc', 3, {
      method: 'PATCH',
      target: '/inbox/abc/x?y=1',
      httpVersion: '1.1',
      rawHeaders: ['Host', 'h'],
      body: Buffer.from('hi'),
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
      receivedAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(capture).toMatchObject({ seq: 3, inboxId: 'abc', method: 'PATCH', path: '/x', query: 'y=1', receivedAt: '2026-01-01T00:00:00.000Z' });
    expect(capture.raw).toBe('PATCH /inbox/abc/x?y=1 HTTP/1.1\r\nHost: h\r\n\r\nhi');
  });

  it('treats text with a form feed as text but a bell character as binary', () => {
    expect(asText(Buffer.from('a\fb'))).toBe('a\fb');
    expect(asText(Buffer.from('a\u0007b'))).toBeUndefined();
  });
});
