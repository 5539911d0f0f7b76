// Property-based tests (fast-check) of every parser and encoder a learner's input reaches: they
// either succeed or fail with our own explained error — never crash, never hang — and every
// encoder round-trips through its parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOutgoing, emptyDraft, queryRowsOf, row, withQueryRows, type Draft } from '../../client/src/lib/draft';
import { CurlParseError } from '../../client/src/features/composer/formats/curl-parse-error';
import { parseCurl } from '../../client/src/features/composer/formats/parse-curl';
import { quoteForShell } from '../../client/src/features/composer/formats/shell-quote';
import { tokenizeShell } from '../../client/src/features/composer/formats/shell-words';
import { toCurl } from '../../client/src/features/composer/formats/to-curl';
import { decodeDraft, encodeDraft, ShareLinkError } from '../../client/src/features/share/share-link';
import { parseJsonBody } from '../../server/http/json-body';
import { negotiate, parseAccept } from '../../server/http/negotiate';
import { HttpProblem } from '../../server/http/problem';
import { evaluatePreconditions, parseEntityTags } from '../../server/http/conditional';
import { parseCookies } from '../../server/services/cookies';
import { parseHead, bodyView } from '../../server/send/wire-format';
import { classifyAddress } from '../../server/send/address-policy';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '').trim());
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE');
const path = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const text = fc.string({ maxLength: 200 });

const draftArb: fc.Arbitrary<Draft> = fc.record({
  method,
  url: path,
  headers: fc.array(fc.tuple(token, headerValue), { maxLength: 6 }),
  body: fc.option(text.filter((t) => t.length > 0), { nil: undefined }),
}).map(({ method, url, headers, body }) => ({
  ...emptyDraft(),
  method,
  url: `http://localhost:3000${url}`,
  headers: headers.map(([n, v]) => row(n, v)),
  bodyType: body === undefined ? 'none' : 'text',
  body: body ?? '',
}));

describe('shell quoting', () => {
  it('reading quoteForShell(x) as bash gives x back for any string without NUL', () => {
    fc.assert(fc.property(text.filter((t) => t.length > 0 && !t.includes('\0')), (word) => {
      expect(tokenizeShell(`curl ${quoteForShell(word)}`).map((t) => t.kind === 'word' && t.value)).toEqual(['curl', word]);
    }), { numRuns: RUNS });
  });
});

describe('curl import', () => {
  it('never throws anything but CurlParseError on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (input) => {
      try {
        parseCurl(`curl ${input}`);
      } catch (error) {
        expect(error).toBeInstanceOf(CurlParseError);
      }
    }), { numRuns: RUNS * 3 });
  });

  it('parse(toCurl(request)) is the same request', () => {
    fc.assert(fc.property(draftArb, (draft) => {
      const out = buildOutgoing(draft);
      const back = buildOutgoing(parseCurl(toCurl(out, { origin: 'http://localhost:3000' })).draft);
      expect(back.method).toBe(out.method);
      expect(back.url).toBe(out.url);
      // curl's "-H 'Content-Type:'" (no type) is how the command keeps a body without one.
      expect(back.headers).toEqual(out.headers);
      expect(back.body?.data ?? '').toBe(out.body?.data ?? '');
    }), { numRuns: RUNS });
  });
});

describe('share links', () => {
  it('decode(encode(draft)) restores the draft', async () => {
    await fc.assert(fc.asyncProperty(draftArb, async (draft) => {
      const back = await decodeDraft(await encodeDraft(draft));
      expect(buildOutgoing(back)).toEqual(buildOutgoing(draft));
    }), { numRuns: Math.min(RUNS / 3, 200) });
  }, 180_000);

  it('arbitrary link data fails only with ShareLinkError', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), async (junk) => {
      for (const candidate of [junk, `1.${junk}`]) {
        await decodeDraft(candidate).then(
          () => undefined,
          (error: unknown) => expect(error).toBeInstanceOf(ShareLinkError),
        );
      }
    }), { numRuns: Math.min(RUNS / 3, 200) });
  }, 180_000);
});

describe('query rows', () => {
  it('withQueryRows then queryRowsOf gives the rows back', () => {
    const rowArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }), value: fc.string({ maxLength: 10 }) }), { maxLength: 5 });
    fc.assert(fc.property(rowArb, (rows) => {
      expect(queryRowsOf(withQueryRows('/api/books', rows))).toEqual(rows);
    }), { numRuns: RUNS });
  });
});

describe('server-side parsers', () => {
  it('JSON bodies: a value or a malformed-json problem with a line and column', () => {
    fc.assert(fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 100 })), (input) => {
      try {
        parseJsonBody(input);
      } catch (error) {
        expect(error).toBeInstanceOf(HttpProblem);
        expect((error as HttpProblem).message).toMatch(/line \d+, column \d+|empty|__proto__/);
      }
    }), { numRuns: RUNS * 3 });
  });

  it('Accept, entity tags, dates and cookies never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (input) => {
      parseAccept(input);
      negotiate(input, ['application/json', 'text/html']);
      parseEntityTags(input);
      evaluatePreconditions('GET', { 'if-none-match': input, 'if-modified-since': input }, { etag: '"x"', lastModified: new Date(0) });
      evaluatePreconditions('PUT', { 'if-match': input, 'if-unmodified-since': input }, { etag: '"x"' });
      parseCookies(input);
    }), { numRuns: RUNS * 3 });
  });

  it('message heads: formatting then parsing keeps every header in order', () => {
    fc.assert(fc.property(fc.array(fc.tuple(token, headerValue), { maxLength: 8 }), (headers) => {
      const raw = Buffer.from(`HTTP/1.1 200 OK\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\nbody`, 'latin1');
      const head = parseHead(raw)!;
      expect(head.startLine).toBe('HTTP/1.1 200 OK');
      expect(head.headers).toEqual(headers);
      expect(raw.subarray(head.length).toString()).toBe('body');
    }), { numRuns: RUNS });
  });

  it('body views of arbitrary bytes are text or base64 that decode to the same bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const view = bodyView(Buffer.from(bytes), [], 1_000_000);
      if (bytes.length === 0) {
        expect(view).toBeNull();
        return;
      }
      const back = view!.encoding === 'base64' ? Buffer.from(view!.data, 'base64') : Buffer.from(view!.data, 'utf8');
      expect(back.equals(Buffer.from(bytes))).toBe(true);
    }), { numRuns: RUNS });
  });

  it('IP classification accepts every IPv4 and IPv6 address', () => {
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
      expect(typeof classifyAddress(ip)).toBe('string');
    }), { numRuns: RUNS * 3 });
  });
});
