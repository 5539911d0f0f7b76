import fc from 'fast-check';
import type { OutgoingRequest } from '../../../client/src/lib/draft';
import { bytesToBase64 } from '../../../client/src/features/composer/formats/bytes';

// Requests as the composer can send them: any method token, headers with any printable value (header
// values carry no line breaks or surrounding spaces), any body — text or arbitrary bytes.
const tokenChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+.^_`|~-'.split('');
const token = fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 1, maxLength: 12 });
const headerValue = fc
  .string({ unit: fc.oneof(fc.constantFrom(...'"\'\\$`;:@=!*?[]{}()&|<> %\t'.split('')), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 30 })
  .map((v) => v.trim())
  .filter((v) => !/[\r\n\0]/.test(v));
const urlPath = fc.string({ unit: fc.constantFrom(...'abc/._~-%20?=&#[]{}\'"$!*+,;:@'.split('')), maxLength: 24 });
export const requestArbitrary: fc.Arbitrary<OutgoingRequest> = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), token),
  url: fc.oneof(urlPath.map((p) => `/${p}`), urlPath.map((p) => `http://127.0.0.1:3000/${p}`)),
  headers: fc.array(fc.tuple(token, headerValue), { maxLength: 6 }),
  body: fc.oneof(
    fc.constant(null),
    fc
      .string({ unit: fc.oneof(fc.constantFrom(...'%\\\'"$`!@\n\r\t\0 -sd'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 60 })
      .map((data) => ({ encoding: 'text' as const, data })),
    // Bytes that matter to quoting (NUL, %, \\, quotes, line breaks, UTF-8 lead bytes) come up often.
    fc
      .array(fc.oneof(fc.constantFrom(0, 0x25, 0x5c, 0x27, 0x22, 0x24, 0x0a, 0x0d, 0x09, 0x64, 0x73, 0x62, 0x7f, 0xc3, 0xa9, 0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 60 })
      .map((bytes) => ({ encoding: 'base64' as const, data: bytesToBase64(Uint8Array.from(bytes)) })),
  ),
});

// Requests as the sandbox really sends them: a path on the sandbox, and header values the send endpoint
// accepts (tab and visible ASCII; it refuses line breaks and characters beyond Latin-1, and undici writes
// Latin-1 as single bytes where a terminal would write UTF-8).
const asciiValue = fc
  .string({ unit: fc.constantFrom(...'"\'\\$`;:@=!*?[]{}()&|<> %\tabcXYZ019-_/.,~#^'.split('')), maxLength: 30 })
  .map((v) => v.trim());
export const composerRequestArbitrary: fc.Arbitrary<OutgoingRequest> = fc.record({
  method: requestArbitrary.map((r) => r.method),
  url: urlPath.map((p) => `/${p}`),
  headers: fc.array(fc.tuple(token, asciiValue), { maxLength: 6 }),
  body: requestArbitrary.map((r) => r.body),
});
