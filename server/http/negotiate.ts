// Proactive content negotiation (RFC 9110 §12.5.1): pick the representation the client prefers
// from those the server offers, honouring q-values and specificity.

export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses an Accept header into media ranges. Malformed members are skipped, as RFC 9110 lets servers do. */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const member of header.split(',')) {
    const [mediaType = '', ...params] = member.split(';').map((part) => part.trim());
    const match = /^([\w.+*-]+)\/([\w.+*-]+)$/.exec(mediaType.toLowerCase());
    if (!match) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((part) => part.trim());
      if (name?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type: match[1]!, subtype: match[2]!, q });
  }
  return ranges;
}

function specificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === '*') return 2;
  if (range.type === '*' && range.subtype === '*') return 1;
  return 0;
}

/** The q-value the client gives one media type: the most specific matching range wins (RFC 9110 §12.5.1). */
export function qualityOf(ranges: MediaRange[], mediaType: string): number {
  const [type = '', subtype = ''] = mediaType.toLowerCase().split('/');
  let best = 0;
  let q = 0;
  for (const range of ranges) {
    const s = specificity(range, type, subtype);
    if (s > best) {
      best = s;
      q = range.q;
    }
  }
  return q;
}

/**
 * Chooses among `offers` (server order = server preference on ties). Returns the first offer when there
 * is no Accept header, and null when nothing offered is acceptable (the caller answers 406).
 */
export function negotiate(acceptHeader: string | undefined, offers: readonly string[]): string | null {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return offers[0] ?? null;
  const ranges = parseAccept(acceptHeader);
  if (ranges.length === 0) return offers[0] ?? null;
  let chosen: string | null = null;
  let chosenQ = 0;
  for (const offer of offers) {
    const q = qualityOf(ranges, offer);
    if (q > chosenQ) {
      chosen = offer;
      chosenQ = q;
    }
  }
  return chosen;
}
