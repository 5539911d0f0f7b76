// What the learner typed versus what went on the wire: headers the client added (Host,
// Content-Length…), changed or dropped, and which ones a browser's fetch() would have refused.
import type { WireHeader } from '../../../../server/protocol';

/** Request headers a browser's fetch() may not set (Fetch standard, "forbidden request-header"). */
export const FORBIDDEN_BROWSER_HEADERS = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);

export interface HeaderDifference {
  name: string;
  typed?: string;
  sent?: string;
  kind: 'same' | 'added-by-client' | 'changed' | 'dropped';
  note?: string;
}

const ADDED_NOTES: Record<string, string> = {
  host: 'HTTP/1.1 requires Host (RFC 9112 §3.2): the client adds it from the URL.',
  'content-length': 'The client counts the body bytes and says how many follow.',
  'transfer-encoding': 'The body was sent in chunks because its length was not known up front.',
  connection: 'The client says whether it wants to keep the connection open.',
  cookie: 'The sandbox sent the cookies earlier responses set, as a browser would.',
};

export function compareTypedWithSent(typed: readonly WireHeader[], sent: readonly WireHeader[]): HeaderDifference[] {
  const remaining = [...sent];
  const rows: HeaderDifference[] = [];
  for (const [name, value] of typed) {
    const index = remaining.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    const note = FORBIDDEN_BROWSER_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('sec-') || name.toLowerCase().startsWith('proxy-')
      ? 'A browser’s fetch() would refuse to set this header.'
      : undefined;
    if (index === -1) {
      rows.push({ name, typed: value, kind: 'dropped', note });
      continue;
    }
    const [, sentValue] = remaining.splice(index, 1)[0]!;
    rows.push({ name, typed: value, sent: sentValue, kind: sentValue === value ? 'same' : 'changed', note });
  }
  for (const [name, value] of remaining) {
    rows.push({ name, sent: value, kind: 'added-by-client', note: ADDED_NOTES[name.toLowerCase()] });
  }
  return rows;
}
