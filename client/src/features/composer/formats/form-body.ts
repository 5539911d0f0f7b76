// Reads an application/x-www-form-urlencoded body into the composer's form rows — only when the
// composer would encode those rows back into exactly the same text (its encoding: percent-encoding with
// + for spaces), so importing never changes what is sent.
import { row, type KeyValueRow } from '../../../lib/draft';

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** The same encoding buildOutgoing uses for form rows. */
export function encodeFormRows(rows: readonly { name: string; value: string }[]): string {
  return rows.map((r) => `${encodeURIComponent(r.name)}=${encodeURIComponent(r.value)}`.replaceAll('%20', '+')).join('&');
}

export function formRowsOf(body: string): KeyValueRow[] | undefined {
  if (body === '') return [];
  const rows: KeyValueRow[] = [];
  for (const pair of body.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const name = decode(pair.slice(0, eq));
    const value = decode(pair.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    rows.push(row(name, value));
  }
  return encodeFormRows(rows) === body ? rows : undefined;
}
