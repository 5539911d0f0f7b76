// Pure helpers that turn recorded bytes into the transcript's parts: message heads split into a start
// line and headers (order, case and duplicates as on the wire), bodies as text or base64 with their
// sizes, compressed bodies decoded for reading.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { BodyView, WireHeader } from '../protocol';

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

/** Largest decoded body we inflate, so a compression bomb cannot eat memory. */
export const MAX_DECODED_BYTES = 4 * 1024 * 1024;

export function decodeContent(bytes: Buffer, encoding: string | undefined): { bytes: Buffer; decoded?: string } {
  const name = encoding?.trim().toLowerCase();
  if (!name || name === 'identity' || bytes.length === 0) return { bytes };
  const options = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    if (name === 'gzip' || name === 'x-gzip') return { bytes: gunzipSync(bytes, options), decoded: 'gzip' };
    if (name === 'br') return { bytes: brotliDecompressSync(bytes, options), decoded: 'br' };
    if (name === 'deflate') {
      try {
        return { bytes: inflateSync(bytes, options), decoded: 'deflate' };
      } catch {
        return { bytes: inflateRawSync(bytes, options), decoded: 'deflate' };
      }
    }
  } catch {
    return { bytes };
  }
  return { bytes };
}

/** A body for the transcript: decoded from Content-Encoding, as text or base64, cut at `keep` bytes. */
export function bodyView(wire: Buffer, headers: readonly WireHeader[], keep: number, truncated = false): BodyView | null {
  if (wire.length === 0 && !truncated) return null;
  const get = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  const { bytes, decoded } = decodeContent(wire, get('content-encoding'));
  const kept = bytes.subarray(0, keep);
  const text = looksLikeText(kept, get('content-type'));
  return {
    encoding: text ? 'text' : 'base64',
    data: text ? kept.toString('utf8') : kept.toString('base64'),
    wireSize: wire.length,
    decodedSize: bytes.length,
    ...(decoded ? { contentEncoding: decoded } : {}),
    truncated: truncated || bytes.length > keep,
  };
}

/** Raw bytes as the wire view shows them: the head as is, a text body as text, a binary body as a note. */
export function rawText(bytes: Buffer, headLength: number, keep: number): string {
  const head = bytes.subarray(0, headLength).toString('latin1');
  const body = bytes.subarray(headLength);
  if (body.length === 0) return head;
  if (looksLikeText(body.subarray(0, 4096), undefined)) {
    const shown = body.subarray(0, keep).toString('utf8');
    return body.length > keep ? `${head}${shown}\n[… ${body.length - keep} more bytes]` : `${head}${shown}`;
  }
  return `${head}[${body.length} bytes of binary data]`;
}
