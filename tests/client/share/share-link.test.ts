import { describe, expect, it } from 'vitest';
import { emptyDraft, row, type Draft } from '../../../client/src/features/composer/draft';
import { decodeDraft, encodeDraft, sharedPart, shareUrl, ShareLinkError } from '../../../client/src/features/share/share-link';

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
    const url = await shareUrl(drafts[1]![1], 'http://localhost:3000/');
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
});
