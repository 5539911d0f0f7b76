// "Typed vs sent", computed once, here, where both are known: the headers the learner composed next to the
// headers that went on the wire — which the client (undici) added (Host, Content-Length, Connection…),
// changed or left out, which the page added for the learner (the cookies its jar holds: the sandbox, the
// login), and which of them a browser's fetch() would have refused to send. The transcript carries the
// rows (Exchange.typedVsSent); the page only shows them.
//
// Names are compared without regard to case (RFC 9110 §5.1). Repeated headers are paired in order: the
// first typed X-A with the first X-A sent, and so on. Rows come in wire order, with a header that was
// not sent placed after the typed header before it.
import type { HeaderComparison, WireHeader } from '../protocol/api-types';
import { isForbiddenBrowserHeader } from '../protocol/browser-forbidden-headers';

/** The request as composed: method, URL, headers in order, body bytes. */
export interface TypedRequest {
  url: string;
  headers: readonly WireHeader[];
  body: Buffer | null;
}

type Header = readonly [string, string];

function bodySize(request: TypedRequest): number {
  return request.body?.length ?? 0;
}

function hostOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#]*)/i.exec(url)?.[1];
}

function addedNote(name: string, value: string, typed: TypedRequest): string {
  const size = bodySize(typed);
  const host = hostOf(typed.url);
  switch (name.toLowerCase()) {
    case 'host':
      return `HTTP/1.1 requires Host (RFC 9112 §3.2); the client took it from the URL${host ? ` (${host})` : ''}.`;
    case 'content-length':
      return value === String(size)
        ? `The body is ${size} byte${size === 1 ? '' : 's'}, so the client announced how many follow (RFC 9110 §8.6).`
        : 'The client announced the length of the body (RFC 9110 §8.6).';
    case 'transfer-encoding':
      return 'The body was sent in chunks, because its length was not announced up front (RFC 9112 §7.1).';
    case 'connection':
      return /close/i.test(value) ? 'The client will close the connection after this response.' : 'The client asks to keep the connection open for the next request.';
    case 'user-agent':
      return 'The client names itself (RFC 9110 §10.1.5).';
    case 'accept':
      return 'The client says which media types it would like back.';
    case 'accept-encoding':
      return 'The client says which compressions it can decode.';
    case 'accept-language':
      return 'The client says which languages it would like back.';
    case 'cookie':
      return 'The sandbox sent the cookies that earlier responses set, as a browser would.';
    case 'content-type':
      return 'The client labelled the body with a type of its own choosing.';
    default:
      return 'The client added this header on its own.';
  }
}

function changedNote(name: string, typedValue: string, sentValue: string, typed: TypedRequest): string {
  switch (name.toLowerCase()) {
    case 'content-length':
      return `The client counts the body itself: ${bodySize(typed)} bytes, whatever was typed.`;
    case 'host':
      return 'The client wrote the Host of the URL it connected to.';
    default:
      return sentValue.includes(typedValue) ? 'The client joined this value with another.' : 'The client sent a different value from the one typed.';
  }
}

function droppedNote(name: string): string {
  if (['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'expect'].includes(name.toLowerCase())) {
    return 'The client manages the connection and the body framing itself, so it left this header out.';
  }
  return 'The client did not send this header.';
}

function browserNote(name: string, value: string, typedIt: boolean): string | undefined {
  if (!isForbiddenBrowserHeader(name, value)) return undefined;
  return typedIt
    ? 'A browser would not send this from fetch(): it is a forbidden request header, which only the browser sets.'
    : 'In a browser only the browser sets this header; fetch() may not.';
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const text = notes.filter(Boolean).join(' ');
  return text || undefined;
}

/** What the page's own additions are for, by cookie name (RFC 6265 §5.4: a browser sends what its jar holds). */
function pageNote(name: string, value: string): string {
  if (name.toLowerCase() !== 'cookie') return 'The page added this header for you.';
  const names = value.split(';').map((pair) => pair.split('=')[0]!.trim());
  const parts = [
    names.includes('sandbox') && 'sandbox picks your own sandbox, so your changes stay yours',
    names.includes('sid') && 'sid is your login (from POST /api/session)',
  ].filter(Boolean);
  return `The page sent the cookies its jar holds for this server, as a browser would (RFC 6265 §5.4)${parts.length ? `: ${parts.join('; ')}` : ''}. You did not type them.`;
}

/**
 * The rows for one exchange. `pageHeaders` are the typed headers the page added (the same tuples as in
 * typed.headers): they are shown as added by the page, not as typed.
 */
export function compareTypedWithSent(typed: TypedRequest, sentHeaders: readonly Header[], pageHeaders: ReadonlySet<WireHeader> = new Set()): HeaderComparison[] {
  const typedHeaders = typed.headers;
  // Pair typed and sent headers of the same name, in order.
  const typedFor = new Map<number, number>(); // sent index → typed index
  const joinedInto = new Map<number, number>(); // typed index → sent index it was joined into
  const names = new Set(typedHeaders.map(([n]) => n.toLowerCase()));
  for (const name of names) {
    const typedAt = typedHeaders.flatMap(([n], i) => (n.toLowerCase() === name ? [i] : []));
    const sentAt = sentHeaders.flatMap(([n], i) => (n.toLowerCase() === name ? [i] : []));
    const joined = sentAt.length === 1 && typedAt.length > 1 && [', ', ',', '; '].some((sep) => typedAt.map((i) => typedHeaders[i]![1]).join(sep) === sentHeaders[sentAt[0]!]![1]);
    if (joined) {
      typedFor.set(sentAt[0]!, typedAt[0]!);
      for (const i of typedAt.slice(1)) joinedInto.set(i, sentAt[0]!);
      continue;
    }
    for (let k = 0; k < Math.min(typedAt.length, sentAt.length); k += 1) typedFor.set(sentAt[k]!, typedAt[k]!);
  }

  const rows: HeaderComparison[] = [];
  const rowOfTyped = new Map<number, HeaderComparison>();
  sentHeaders.forEach(([sentName, sentValue], j) => {
    const t = typedFor.get(j);
    if (t === undefined) {
      rows.push({ name: sentName, sent: sentValue, kind: 'added-by-client', note: joinNotes(addedNote(sentName, sentValue, typed), browserNote(sentName, sentValue, false)) });
      return;
    }
    const [typedName, typedValue] = typedHeaders[t]!;
    const same = typedValue.trim() === sentValue.trim();
    if (pageHeaders.has(typedHeaders[t]!)) {
      const row: HeaderComparison = { name: typedName, sent: sentValue, kind: 'added-by-page', note: pageNote(typedName, typedValue) };
      rows.push(row);
      rowOfTyped.set(t, row);
      return;
    }
    const notes: (string | undefined)[] = [];
    if (same && typedValue !== sentValue) notes.push('The spaces around a value are not part of it (RFC 9110 §5.5).');
    if (typedName !== sentName) notes.push(`Sent as ${sentName}: header names are case-insensitive (RFC 9110 §5.1).`);
    if (!same) notes.push(changedNote(typedName, typedValue, sentValue, typed));
    notes.push(browserNote(typedName, typedValue, true));
    const row: HeaderComparison = { name: typedName, typed: typedValue, sent: sentValue, kind: same ? 'same' : 'changed' };
    const note = joinNotes(...notes);
    if (note) row.note = note;
    rows.push(row);
    rowOfTyped.set(t, row);
  });

  // Typed headers that were not sent: after the row of the typed header before them.
  typedHeaders.forEach(([name, value], t) => {
    if (rowOfTyped.has(t)) return;
    const into = joinedInto.get(t);
    const row: HeaderComparison = {
      name,
      typed: value,
      kind: 'dropped',
      note: joinNotes(into === undefined ? droppedNote(name) : `Joined into the one ${sentHeaders[into]![0]} line above.`, browserNote(name, value, true)),
    };
    let anchor = -1;
    for (let p = t - 1; p >= 0 && anchor === -1; p -= 1) {
      const previous = rowOfTyped.get(p);
      if (previous) anchor = rows.indexOf(previous);
    }
    rows.splice(anchor + 1, 0, row);
    rowOfTyped.set(t, row);
  });
  return rows;
}
