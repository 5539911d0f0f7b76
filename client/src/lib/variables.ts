// Variables: {{name}} in the URL, headers, body, form fields and auth, replaced by values the learner sets
// or that responses provide (the token from POST /api/tokens, the Location of the last 201, the last
// ETag) — so a login and a write can be chained without copying values by hand. Pure functions here; the
// values live in variables-store.ts.
import type { Transcript } from '../../../server/protocol/api-types';
import type { Draft } from './draft';

/** {{name}}: letters, digits, _ . - ; spaces inside the braces are allowed. */
const REFERENCE = /\{\{\s*([A-Za-z_][\w.-]{0,63})\s*\}\}/g;
/** The most variables kept, and the longest value: a ceiling on what a page stores. */
export const VARIABLE_LIMITS = { count: 50, valueLength: 8_192 } as const;

export function isVariableName(name: string): boolean {
  return /^[A-Za-z_][\w.-]{0,63}$/.test(name);
}

/** The text with every known {{name}} replaced; unknown ones stay as written and are listed. */
export function expandText(text: string, values: Readonly<Record<string, string>>, missing: Set<string>): string {
  if (!text.includes('{{')) return text;
  return text.replace(REFERENCE, (whole, name: string) => {
    if (Object.hasOwn(values, name)) return values[name]!;
    missing.add(name);
    return whole;
  });
}

/** The draft with its variables filled in, and the names that have no value. */
export function expandDraft(draft: Draft, values: Readonly<Record<string, string>>): { draft: Draft; missing: string[] } {
  const missing = new Set<string>();
  const x = (text: string) => expandText(text, values, missing);
  const rows = <T extends { name: string; value: string }>(list: T[]) => list.map((row) => ({ ...row, name: x(row.name), value: x(row.value) }));
  const auth = draft.auth;
  const expanded: Draft = {
    ...draft,
    url: x(draft.url),
    headers: rows(draft.headers.filter((h) => h.enabled)),
    body: x(draft.body),
    form: rows(draft.form.filter((f) => f.enabled)),
    multipart: draft.multipart.map((part) => (part.enabled && !part.file ? { ...part, name: x(part.name), value: x(part.value) } : part)),
    auth:
      auth.kind === 'basic'
        ? { ...auth, username: x(auth.username), password: x(auth.password) }
        : auth.kind === 'bearer'
          ? { ...auth, token: x(auth.token) }
          : auth.kind === 'session'
            ? { ...auth, cookie: x(auth.cookie) }
            : auth,
  };
  return { draft: expanded, missing: [...missing] };
}

function header(headers: readonly [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/**
 * Values a transcript provides: `token` from a 201 to POST …/api/tokens, `location` from a 201's Location
 * (with `id`, its last path segment), `etag` from any response's ETag. The final hop wins.
 */
export function capturedFrom(transcript: Transcript): Record<string, string> {
  const found: Record<string, string> = {};
  for (const { request, response } of transcript.exchanges) {
    if (!response) continue;
    const etag = header(response.headers, 'etag');
    if (etag) found.etag = etag;
    if (response.status !== 201) continue;
    const location = header(response.headers, 'location');
    if (location) {
      found.location = location;
      const id = /\/([^/?#]+)\/?(?:[?#].*)?$/.exec(location)?.[1];
      if (id) found.id = id;
    }
    let path = '';
    try {
      path = new URL(request.url).pathname;
    } catch {
      path = '';
    }
    if (request.method === 'POST' && /\/api\/tokens\/?$/.test(path) && response.body?.encoding === 'text') {
      try {
        const token = (JSON.parse(response.body.data) as { token?: unknown }).token;
        if (typeof token === 'string') found.token = token;
      } catch {
        // Not the toy API's answer: nothing captured.
      }
    }
  }
  return found;
}
