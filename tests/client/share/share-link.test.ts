import { describe, expect, it } from 'vitest';
import { emptyDraft, row, type Draft } from '../../../client/src/lib/draft';
import { decodeDraft, encodeDraft, sharedPart, shareUrl, ShareLinkError, withoutSecrets } from '../../../client/src/features/share/share-link';

const strip = (draft: Draft) => JSON.parse(JSON.stringify(draft, (key, value) => (key === 'id' ? undefined : value)));

const drafts: [string, Draft][] = [
  ['the default GET', emptyDraft()],
  [
    'a JSON POST with a switched-off header and auth',
    {
      ...emptyDraft(),
      method: 'POST',
      url: '/api/books?sandbox=maya',
      headers: [row('Content-Type', 'application/json'), { ...row('X-Debug', '1'), enabled: false }],
      bodyType: 'json',
      body: '{\n  "title": "Kindred — ünïcode ✓",\n  "year": 1979\n}',
      auth: { kind: 'bearer', token: 't_abc' },
    },
  ],
  ['a form', { ...emptyDraft(), method: 'PUT', url: 'http://localhost:3000/anything', bodyType: 'form', form: [row('a', '1'), row('b', 'x y')] }],
  ['a custom method', { ...emptyDraft(), method: 'PURGE', url: '/cache', headers: [] }],
];

describe('share links', () => {
  it.each(drafts)('restore %s exactly', async (_name, draft) => {
    expect(strip(await decodeDraft(await encodeDraft(draft)))).toEqual(strip(draft));
  });

  it('stay short for an ordinary request', async () => {
    const { url } = await shareUrl(drafts[1]![1], 'http://localhost:3000/');
    expect(url.length).toBeLessThan(300);
    expect(sharedPart(new URL(url).hash)).toMatch(/^1\./);
  });

  it.each([
    ['cut short', async () => (await encodeDraft(drafts[1]![1])).slice(0, 20)],
    ['from another version', async () => '9.abc'],
    ['with foreign characters', async () => '1.abc$%'],
    ['not compressed data', async () => '1.aGVsbG8gd29ybGQ'],
  ])('fail with a clear message when %s', async (_name, make) => {
    await expect(decodeDraft(await make())).rejects.toBeInstanceOf(ShareLinkError);
  });

  it('leave every credential out, say which, and keep the rest of the request', async () => {
    const draft: Draft = {
      ...emptyDraft(),
      method: 'POST',
      url: '/api/session?key=room-key-123&page=2',
      headers: [row('Content-Type', 'application/json'), row('Authorization', 'Bearer t_secret'), row('Cookie', 'sid=s_secret'), row('X-Api-Key', 'k-123')],
      bodyType: 'json',
      body: '{\n  "username": "ada",\n  "password": "lovelace"\n}',
      auth: { kind: 'basic', username: 'ada', password: 'lovelace' },
    };
    const { url, left } = await shareUrl(draft, 'http://localhost:3000/');
    const opened = await decodeDraft(sharedPart(new URL(url).hash)!);
    expect(JSON.stringify(opened)).not.toMatch(/lovelace|t_secret|s_secret|k-123|room-key-123/);
    expect(opened.url).toBe('/api/session?key=&page=2');
    expect(opened.headers.map((h) => [h.name, h.value])).toEqual([['Content-Type', 'application/json'], ['Authorization', ''], ['Cookie', ''], ['X-Api-Key', '']]);
    expect(opened.body).toBe('{\n  "username": "ada",\n  "password": ""\n}');
    expect(opened.auth).toEqual({ kind: 'basic', username: 'ada', password: '' });
    // In the order they stand in the request: URL, headers, body, the Auth tab.
    expect(left).toEqual(['the query parameter key', 'the header Authorization', 'the header Cookie', 'the header X-Api-Key', 'the "password" field', 'the password']);
  });

  it('leave a request without credentials as it is', () => {
    for (const [, draft] of drafts.filter(([name]) => name !== 'a JSON POST with a switched-off header and auth')) expect(withoutSecrets(draft)).toEqual({ draft, left: [] });
  });
});
