// Pure functions that turn a request as it arrived (raw header list, body bytes) into the captured
// form an inbox shows: headers in order with duplicates, the body as text or base64, the raw message.
import type { BodyView, WireHeader } from '../protocol/api-types';
import type { CapturedRequest } from '../protocol/classroom-types';

// C0 controls other than tab, LF, FF and CR, and DEL: a body with these is shown as binary (base64).
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text when it is UTF-8 without control characters, else undefined. */
export function asText(bytes: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(bytes);
    return BINARY_CONTROL.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** A body as the transcript shows it, cut to `keepBytes`; null when there is no body. Not decoded: an
 *  inbox shows the bytes that arrived, Content-Encoding and all. */
export function bodyView(bytes: Buffer, keepBytes = Number.POSITIVE_INFINITY): BodyView | null {
  if (bytes.length === 0) return null;
  const truncated = bytes.length > keepBytes;
  const kept = truncated ? bytes.subarray(0, keepBytes) : bytes;
  const whole = asText(bytes);
  if (whole !== undefined) {
    // Cutting may split a character: decode leniently and drop the partial one at the end.
    const data = truncated ? kept.toString('utf8').replace(/\uFFFD+$/, '') : whole;
    return { encoding: 'text', data, wireSize: bytes.length, decodedSize: bytes.length, truncated };
  }
  return { encoding: 'base64', data: kept.toString('base64'), wireSize: bytes.length, decodedSize: bytes.length, truncated };
}

/** The same body view cut shorter (for a room's live view of a large capture). */
export function previewBodyView(view: BodyView | null, keepBytes: number): BodyView | null {
  if (!view || view.truncated) return view;
  const bytes = Buffer.from(view.data, view.encoding === 'text' ? 'utf8' : 'base64');
  if (bytes.length <= keepBytes) return view;
  const kept = bytes.subarray(0, keepBytes);
  const data = view.encoding === 'text' ? kept.toString('utf8').replace(/\uFFFD+$/, '') : kept.toString('base64');
  return { ...view, data, truncated: true };
}

/** Node's rawHeaders ([name, value, name, value…]) as header lines, order and spelling kept. */
export function wireHeaders(rawHeaders: readonly string[]): WireHeader[] {
  const headers: WireHeader[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return headers;
}

/** Request line and header block as they crossed the wire, a blank line, then the body (or a note). */
export function rawRequest(method: string, target: string, httpVersion: string, headers: readonly WireHeader[], body: BodyView | null): string {
  let raw = `${method} ${target} HTTP/${httpVersion}\r\n`;
  for (const [name, value] of headers) raw += `${name}: ${value}\r\n`;
  raw += '\r\n';
  if (body?.encoding === 'text') raw += body.data;
  else if (body) raw += `[${body.wireSize} bytes of binary data: see the body in base64]`;
  return raw;
}

/** Splits a request target below /inbox/<id> into the inbox-relative path and the query string. */
export function splitTarget(target: string, inboxId: string): { path: string; query: string } {
  const mark = target.indexOf('?');
  const pathname = mark === -1 ? target : target.slice(0, mark);
  const query = mark === -1 ? '' : target.slice(mark + 1);
  const prefix = `/inbox/${inboxId}`;
  const below = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  return { path: below === '' ? '/' : below, query };
}

export interface ArrivedRequest {
  method: string;
  target: string;
  httpVersion: string;
  rawHeaders: readonly string[];
  body: Buffer;
  remoteAddress: string;
  remotePort: number;
  receivedAt: Date;
}

export function captureRequest(inboxId: string, seq: number, arrived: ArrivedRequest): CapturedRequest {
  const headers = wireHeaders(arrived.rawHeaders);
  const body = bodyView(arrived.body);
  const { path, query } = splitTarget(arrived.target, inboxId);
  return {
    seq,
    inboxId,
    receivedAt: arrived.receivedAt.toISOString(),
    method: arrived.method,
    target: arrived.target,
    path,
    query,
    httpVersion: arrived.httpVersion,
    headers,
    body,
    raw: rawRequest(arrived.method, arrived.target, arrived.httpVersion, headers, body),
    remoteAddress: arrived.remoteAddress,
    remotePort: arrived.remotePort,
  };
}
