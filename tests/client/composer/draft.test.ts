import { describe, expect, it } from 'vitest';
import {
  buildOutgoing,
  draftWarnings,
  emptyDraft,
  queryRowsOf,
  row,
  withQueryRows,
  type Draft,
} from '../../../client/src/lib/draft';

const draft = (patch: Partial<Draft>): Draft => ({ ...emptyDraft(), headers: [], ...patch });

describe('query parameters and the URL', () => {
  it.each([
    ['/api/books', []],
    ['/api/books?page=2&per_page=5', [{ name: 'page', value: '2' }, { name: 'per_page', value: '5' }]],
    ['/api/books?q=le+guin&q=x', [{ name: 'q', value: 'le guin' }, { name: 'q', value: 'x' }]],
    ['http://h/a?flag#top', [{ name: 'flag', value: '' }]],
  ])('reads %s as rows', (url, rows) => {
    expect(queryRowsOf(url)).toEqual(rows);
  });

  it('writes rows back, encoding what needs it and keeping the fragment', () => {
    expect(withQueryRows('/api/books?old=1#top', [{ name: 'q', value: 'a&b c' }, { name: '', value: 'dropped' }])).toBe(
      '/api/books?q=a%26b%20c#top',
    );
    expect(withQueryRows('/api/books?x=1', [])).toBe('/api/books');
  });
});

describe('buildOutgoing', () => {
  it('keeps the learner headers in order and skips switched-off rows', () => {
    const out = buildOutgoing(draft({ headers: [row('B', '2'), row('A', '1'), { ...row('Off', 'x'), enabled: false }] }));
    expect(out.headers).toEqual([
      ['B', '2'],
      ['A', '1'],
    ]);
    expect(out.body).toBeNull();
  });

  it('adds Basic and Bearer authorization unless the learner wrote one', () => {
    expect(buildOutgoing(draft({ auth: { kind: 'basic', username: 'ada', password: 'lovelace' } })).headers).toEqual([
      ['Authorization', `Basic ${Buffer.from('ada:lovelace').toString('base64')}`],
    ]);
    expect(buildOutgoing(draft({ auth: { kind: 'bearer', token: 't_1' } })).headers).toEqual([['Authorization', 'Bearer t_1']]);
    expect(
      buildOutgoing(draft({ headers: [row('authorization', 'mine')], auth: { kind: 'bearer', token: 't_1' } })).headers,
    ).toEqual([['authorization', 'mine']]);
  });

  it('does not add Content-Type for JSON by itself (the composer offers it), but does for multipart', () => {
    expect(buildOutgoing(draft({ bodyType: 'json', body: '{"a":1}' }))).toMatchObject({
      headers: [],
      body: { encoding: 'text', data: '{"a":1}' },
    });
    const multipart = buildOutgoing(
      draft({ bodyType: 'multipart', multipart: [{ ...row('note', 'héllo') }, { ...row('file', 'f.bin'), file: { name: 'f.bin', type: '', data: Buffer.from([0, 255, 10]).toString('base64') } }] }),
      'BOUND',
    );
    expect(multipart.headers).toEqual([['Content-Type', 'multipart/form-data; boundary=BOUND']]);
    const bytes = Buffer.from(multipart.body!.data, 'base64');
    expect(bytes.toString('utf8')).toContain('Content-Disposition: form-data; name="note"\r\n\r\nhéllo\r\n');
    expect(bytes.includes(Buffer.from([0, 255, 10]))).toBe(true);
    expect(bytes.toString('latin1').endsWith('--BOUND--\r\n')).toBe(true);
  });

  it('encodes form fields as application/x-www-form-urlencoded', () => {
    const out = buildOutgoing(draft({ bodyType: 'form', form: [row('name', 'Ada Lovelace'), row('x', 'a&b')] }));
    expect(out.body).toEqual({ encoding: 'text', data: 'name=Ada+Lovelace&x=a%26b' });
  });
});

describe('draftWarnings', () => {
  it.each([
    ['a body on GET', draft({ method: 'GET', bodyType: 'text', body: 'x', headers: [row('Content-Type', 'text/plain')] }), 'body'],
    ['JSON without Content-Type', draft({ method: 'POST', bodyType: 'json', body: '{}' }), 'content-type'],
    ['invalid JSON', draft({ method: 'POST', bodyType: 'json', body: '{', headers: [row('Content-Type', 'application/json')] }), 'body'],
    ['JSON labelled as text', draft({ method: 'POST', bodyType: 'json', body: '{}', headers: [row('Content-Type', 'text/plain')] }), 'content-type'],
  ])('warns about %s', (_name, d, target) => {
    expect(draftWarnings(d).map((w) => w.target)).toContain(target);
  });

  it('has nothing to say about a plain GET', () => {
    expect(draftWarnings(emptyDraft())).toEqual([]);
  });
});
