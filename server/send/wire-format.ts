// Pure helpers that turn recorded bytes into the transcript's parts: message heads split into a start
// line and headers (order, case and duplicates as on the wire), bodies as text or base64 with their
// sizes, trailers read in their wire order.
import type { BodyView, WireHeader } from '../protocol/api-types';
import type { DecodedBody } from './body-decode';

const CRLFCRLF = Buffer.from('\r\n\r\n');

export interface ParsedHead {
  startLine: string;
  headers: WireHeader[];
  /** Bytes of the head including the blank line. */
  length: number;
}

/** Splits the head at the start of `bytes`; undefined when the blank line has not arrived. */
export function parseHead(bytes: Buffer, from = 0): ParsedHead | undefined {
  const end = bytes.indexOf(CRLFCRLF, from);
  if (end === -1) return undefined;
  const lines = bytes.subarray(from, end).toString('latin1').split('\r\n');
  const startLine = lines.shift() ?? '';
  const headers: WireHeader[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, length: end + 4 - from };
}

/** The final response head, skipping any 1xx interim responses (100 Continue, 103 Early Hints) before it. */
export function finalResponseHead(bytes: Buffer): (ParsedHead & { offset: number; interim: ParsedHead[] }) | undefined {
  let offset = 0;
  const interim: ParsedHead[] = [];
  for (;;) {
    const head = parseHead(bytes, offset);
    if (!head) return undefined;
    const status = Number(head.startLine.split(' ')[1]);
    if (status >= 100 && status < 200 && status !== 101) {
      interim.push(head);
      offset += head.length;
      continue;
    }
    return { ...head, offset, interim };
  }
}

const TEXT_TYPES = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml|x-yaml|problem\+json|problem\+xml)|image\/svg\+xml)/i;

/** True when the bytes read as UTF-8 text a person can look at. */
export function looksLikeText(bytes: Buffer, contentType: string | undefined): boolean {
  if (contentType && TEXT_TYPES.test(contentType)) return true;
  if (bytes.length === 0) return true;
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return false;
  const text = sample.toString('utf8');
  if (text.includes('\uFFFD')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0E-\x1F]/.test(text);
}

/**
 * A body for the transcript, from its wire bytes and what decoding made of them (see body-decode.ts;
 * omitted, the bytes are taken as they are): text or base64, cut at `keep` bytes, `truncated` when any
 * of it is missing.
 */
export function bodyView(
  wire: Buffer,
  headers: readonly WireHeader[],
  keep: number,
  wireTruncated = false,
  decoded: DecodedBody = { bytes: wire, size: wire.length, capped: false },
): BodyView | null {
  if (wire.length === 0 && !wireTruncated) return null;
  const contentType = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
  const kept = decoded.bytes.subarray(0, keep);
  const text = looksLikeText(kept, contentType);
  return {
    encoding: text ? 'text' : 'base64',
    data: text ? kept.toString('utf8') : kept.toString('base64'),
    wireSize: wire.length,
    decodedSize: decoded.size,
    ...(decoded.coding ? { contentEncoding: decoded.coding } : {}),
    truncated: wireTruncated || decoded.capped || decoded.size > kept.length,
  };
}

/**
 * Raw bytes as the wire view shows them: the head as is (Latin-1, byte for byte), a text body as text,
 * a binary body as a note. `total` is how many bytes really crossed the wire (the recording may keep fewer).
 */
export function rawText(bytes: Buffer, headLength: number, keep: number, total = bytes.length): string {
  const head = bytes.subarray(0, headLength).toString('latin1');
  const body = bytes.subarray(headLength);
  const bodyTotal = Math.max(total - headLength, body.length);
  if (bodyTotal === 0) return head;
  if (looksLikeText(body.subarray(0, 4096), undefined)) {
    const shown = body.subarray(0, keep);
    const text = shown.toString('utf8');
    return bodyTotal > shown.length ? `${head}${text}\n[… ${bodyTotal - shown.length} more bytes]` : `${head}${text}`;
  }
  return `${head}[${bodyTotal} bytes of binary data]`;
}

/**
 * Trailer fields of a chunked body, in wire order and case (RFC 9112 §7.1.2), read from the bytes after the
 * head. Undefined when the bytes do not hold a complete chunked body.
 */
export function parseChunkedTrailers(bytes: Buffer, bodyStart: number): WireHeader[] | undefined {
  let at = bodyStart;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
    if (lineEnd === -1) return undefined;
    // chunk-size [; chunk-ext] CRLF
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) {
      const trailers: WireHeader[] = [];
      let line = lineEnd + 2;
      for (;;) {
        const end = bytes.indexOf('\r\n', line, 'latin1');
        if (end === -1) return undefined;
        if (end === line) return trailers;
        const field = bytes.subarray(line, end).toString('latin1');
        const colon = field.indexOf(':');
        if (colon > 0) trailers.push([field.slice(0, colon), field.slice(colon + 1).trim()]);
        line = end + 2;
      }
    }
    at = lineEnd + 2 + size + 2;
    if (at > bytes.length) return undefined;
  }
}
