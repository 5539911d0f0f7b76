// Reads a multipart/form-data body (RFC 7578) back into the composer's parts — only when the composer
// would write exactly the same bytes again, so importing never changes what is sent.
import { multipartBytes, row, type MultipartRow } from '../../../lib/draft';
import { bytesToBase64, sameBytes, utf8Bytes, utf8Text } from './bytes';

/** The boundary parameter of a multipart Content-Type, if any. */
export function multipartBoundaryOf(contentType: string): string | undefined {
  if (!/^\s*multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= bytes.length - needle.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function multipartRowsOf(bytes: Uint8Array, boundary: string): MultipartRow[] | undefined {
  const dash = utf8Bytes(`--${boundary}`);
  const next = utf8Bytes(`\r\n--${boundary}`);
  const blank = utf8Bytes('\r\n\r\n');
  if (indexOf(bytes, dash, 0) !== 0) return undefined;
  const rows: MultipartRow[] = [];
  let at = dash.length;
  while (bytes[at] === 0x0d && bytes[at + 1] === 0x0a) {
    const headEnd = indexOf(bytes, blank, at + 2);
    if (headEnd === -1) return undefined;
    const head = utf8Text(bytes.subarray(at + 2, headEnd));
    const end = indexOf(bytes, next, headEnd + 4);
    if (head === undefined || end === -1) return undefined;
    const content = bytes.subarray(headEnd + 4, end);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const type = /\r\nContent-Type: ([^\r\n]*)/i.exec(head)?.[1];
    if (name === undefined) return undefined;
    if (filename !== undefined) {
      rows.push({ ...row(name, ''), file: { name: filename, type: type ?? '', data: bytesToBase64(content) } });
    } else {
      const value = utf8Text(content);
      if (value === undefined) return undefined;
      rows.push(row(name, value));
    }
    at = end + next.length;
  }
  // Only trust the reading if writing the parts again gives back every byte.
  return sameBytes(multipartBytes(rows, boundary), bytes) ? rows : undefined;
}
