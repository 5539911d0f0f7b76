// Credentials never leave their owner. Whatever the server relays to other people (a broadcast on the
// projector and every student's screen, an inbox capture shown to a room, a roster line, a log line) goes
// through these pure functions first: cookie values with secret names, Authorization and
// Proxy-Authorization credentials, API-key headers, secret query parameters, secret fields of JSON and
// form bodies, and the sandbox's own session ids and tokens wherever they appear. Each masked value reads
// `••••`, and a masked header says whose secret it was, so a lesson about cookies still reads:
//   Cookie: sid=•••• (hidden: the instructor's session)
import type { BodyView, Exchange, Transcript, WireHeader } from './api-types';
import type { CapturedRequest } from './classroom-types';

/** What stands where a secret was. */
export const MASK = '••••';

/** Cookie, parameter and JSON field names that hold secrets (compared without case, `-` and `_`). */
const SECRET_NAMES = new Set([
  'sid',
  'session',
  'sessionid',
  'sessid',
  'phpsessid',
  'jsessionid',
  'connectsid',
  'password',
  'passwd',
  'pwd',
  'pass',
  'newpassword',
  'oldpassword',
  'currentpassword',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'bearer',
  'jwt',
  'key',
  'apikey',
  'instructorkey',
  'studentkey',
  'inboxkey',
  'csrftoken',
  'xsrftoken',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'signature',
]);

/** Name endings that mark a secret too (newPassword, github_token, room_secret, x-api-key…). */
const SECRET_SUFFIXES = ['password', 'secret', 'token', 'apikey', 'sessionid'];

/** The one sandbox everybody shares; naming it gives nobody anything. */
const SHARED_SANDBOX = 'demo';

/** A cookie worth hiding: a secret name, or a sandbox other than the shared demo one. A sandbox's name is
 *  its key (whoever sends it works in it), the instructor's room sandbox included: a student who saw it on
 *  the projector could otherwise change the instructor's data mid-lesson. */
function isSecretCookie(name: string, value: string): boolean {
  if (name.toLowerCase() === 'sandbox') return value !== SHARED_SANDBOX;
  return isSecretName(name);
}

export function isSecretName(name: string): boolean {
  const plain = name.toLowerCase().replace(/[-_.\s]/g, '');
  if (SECRET_NAMES.has(plain)) return true;
  return SECRET_SUFFIXES.some((suffix) => plain.endsWith(suffix));
}

/** Header fields whose whole value is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);
/** Header fields that carry a key or token as their value. */
const KEY_HEADER = /^(x-)?(api-?key|auth-?token|access-?token|csrf-?token|xsrf-?token|session-?id|room-?key|inbox-?key)$/i;

/** The sandbox's own credentials: session ids (s_…) and bearer tokens (t_…), 24 random bytes in base64url. */
const SANDBOX_CREDENTIAL = /\b[st]_[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/g;

/** Secret values shorter than this are masked where they stand but not searched for elsewhere: a short
 *  value ("1", "abc") would mask unrelated text. */
const MIN_SEARCHED_LENGTH = 6;

/** Masks secrets for one audience; collects every value it masked so other copies of it go too. */
export class Redactor {
  /** Whose secrets these are, for the note: "the instructor", "the sender". */
  readonly owner: string;
  readonly #values = new Set<string>();
  readonly #notes = new Set<string>();

  constructor(owner: string) {
    this.owner = owner;
  }

  /** Sentences for the person who sees the result: what was hidden. Empty when nothing was. */
  get notes(): string[] {
    return [...this.#notes];
  }

  #remember(value: string, note: string): void {
    if (value.length >= MIN_SEARCHED_LENGTH) this.#values.add(value);
    this.#notes.add(note);
  }

  /** One header value with its secrets masked (unchanged when it holds none). */
  header(name: string, value: string, direction: 'request' | 'response'): string {
    const lower = name.toLowerCase();
    if (CREDENTIAL_HEADERS.has(lower)) {
      const space = value.indexOf(' ');
      const scheme = space === -1 ? '' : value.slice(0, space);
      const credentials = space === -1 ? value : value.slice(space + 1);
      if (credentials.trim() === '') return value;
      this.#remember(credentials.trim(), `${headerName(name)}: ${this.owner}'s ${scheme ? `${scheme} ` : ''}credentials`);
      return `${scheme ? `${scheme} ` : ''}${MASK} (hidden: ${this.owner}'s credentials)`;
    }
    if (KEY_HEADER.test(name)) {
      if (value.trim() === '') return value;
      this.#remember(value.trim(), `${headerName(name)}: ${this.owner}'s key`);
      return `${MASK} (hidden: ${this.owner}'s key)`;
    }
    if (lower === 'x-sandbox' && direction === 'request' && value.trim() !== '' && value.trim() !== SHARED_SANDBOX) {
      this.#remember(value.trim(), `${headerName(name)}: ${this.owner}'s ${describeCookie('sandbox')}`);
      return `${MASK} (hidden: ${this.owner}'s ${describeCookie('sandbox')})`;
    }
    if (lower === 'cookie' && direction === 'request') return this.#cookieList(name, value);
    if (lower === 'set-cookie' && direction === 'response') return this.#setCookie(name, value);
    return this.text(value);
  }

  #cookieList(name: string, value: string): string {
    const hidden: string[] = [];
    const pairs = value.split(';').map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      const cookie = part.slice(0, eq).trim();
      const cookieValue = part.slice(eq + 1).trim();
      if (!isSecretCookie(cookie, cookieValue) || cookieValue === '') return part;
      hidden.push(cookie);
      this.#remember(cookieValue, `${headerName(name)}: ${this.owner}'s ${describeCookie(cookie)}`);
      return `${part.slice(0, eq + 1)}${MASK}`;
    });
    const masked = this.text(pairs.join(';'));
    return hidden.length === 0 ? masked : `${masked} (hidden: ${this.owner}'s ${hidden.map(describeCookie).join(' and ')})`;
  }

  #setCookie(name: string, value: string): string {
    const semi = value.indexOf(';');
    const pair = semi === -1 ? value : value.slice(0, semi);
    const attributes = semi === -1 ? '' : value.slice(semi);
    const eq = pair.indexOf('=');
    if (eq === -1) return this.text(value);
    const cookie = pair.slice(0, eq).trim();
    const cookieValue = pair.slice(eq + 1).trim();
    if (!isSecretCookie(cookie, cookieValue) || cookieValue === '') return this.text(value);
    this.#remember(cookieValue, `${headerName(name)}: ${this.owner}'s ${describeCookie(cookie)}`);
    return `${pair.slice(0, eq + 1)}${MASK}${attributes} (hidden: ${this.owner}'s ${describeCookie(cookie)})`;
  }

  /** A URL or request target with secret query parameters masked. */
  url(value: string): string {
    const mark = value.indexOf('?');
    if (mark === -1) return this.text(value);
    const hash = value.indexOf('#', mark);
    const query = value.slice(mark + 1, hash === -1 ? undefined : hash);
    const masked = this.#formPairs(query, 'query parameter');
    return this.text(`${value.slice(0, mark + 1)}${masked}${hash === -1 ? '' : value.slice(hash)}`);
  }

  /** `a=1&password=x` with the secret fields masked (query strings and form bodies). */
  #formPairs(text: string, what: string): string {
    return text
      .split('&')
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq === -1) return part;
        let name: string;
        try {
          name = decodeURIComponent(part.slice(0, eq).replace(/\+/g, ' '));
        } catch {
          name = part.slice(0, eq);
        }
        const value = part.slice(eq + 1);
        if (!isSecretName(name) || value === '') return part;
        this.#remember(value, `${what} ${name}: ${this.owner}'s secret`);
        try {
          const decoded = decodeURIComponent(value.replace(/\+/g, ' '));
          if (decoded !== value) this.#remember(decoded, `${what} ${name}: ${this.owner}'s secret`);
        } catch {
          // Not percent-encoded text: the raw value is what we search for.
        }
        return `${part.slice(0, eq + 1)}${MASK}`;
      })
      .join('&');
  }

  /** Collects the secret fields of a JSON document (any depth), so that `text` masks them. */
  #collectJson(value: unknown, depth = 0): void {
    if (depth > 32 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.#collectJson(item, depth + 1);
      return;
    }
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretName(name) && (typeof field === 'string' || typeof field === 'number') && String(field) !== '') {
        const secret = String(field);
        // Short secrets (a 4-letter password) are masked in place below, by field name.
        this.#remember(secret, fieldNote(name, this.owner));
      } else {
        this.#collectJson(field, depth + 1);
      }
    }
  }

  /** A message body: secret fields of JSON and form bodies masked, then every known secret. */
  body(view: BodyView | null, contentType: string | undefined): BodyView | null {
    if (!view || view.encoding !== 'text') return view;
    return { ...view, data: this.bodyText(view.data, contentType) };
  }

  bodyText(data: string, contentType: string | undefined): string {
    const type = (contentType ?? '').toLowerCase();
    let text = data;
    if (type.includes('x-www-form-urlencoded')) text = this.#formPairs(text, 'form field');
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        this.#collectJson(JSON.parse(text));
      } catch {
        // Not whole JSON (cut short, or JSON lines): the field pattern below still applies.
      }
      text = maskJsonFields(text, (name, value) => {
        this.#remember(value, fieldNote(name, this.owner));
      });
    }
    return this.text(text);
  }

  /** Any text: every secret seen so far, and the sandbox's session ids and tokens, masked. */
  text(value: string): string {
    let out = value;
    for (const secret of this.#values) if (out.includes(secret)) out = out.split(secret).join(MASK);
    // What is left is a credential no header or field announced (already noted ones are masked above).
    return out.replace(SANDBOX_CREDENTIAL, () => {
      this.#notes.add(`a session id or token of ${this.owner}`);
      return MASK;
    });
  }

  headers(headers: readonly WireHeader[], direction: 'request' | 'response'): WireHeader[] {
    return headers.map(([name, value]) => [name, this.header(name, value, direction)]);
  }

  /** A raw HTTP message (start line, header block, blank line, body), masked line by line. */
  raw(raw: string, direction: 'request' | 'response', contentType: string | undefined): string {
    const end = raw.indexOf('\r\n\r\n');
    const head = end === -1 ? raw : raw.slice(0, end);
    const body = end === -1 ? '' : raw.slice(end + 4);
    const lines = head.split('\r\n').map((line, index) => {
      if (index === 0) {
        // Request line: METHOD target HTTP/1.1 — the target may carry a key.
        if (direction === 'request') {
          const parts = line.split(' ');
          if (parts.length === 3) return `${parts[0]} ${this.url(parts[1]!)} ${parts[2]}`;
        }
        return this.text(line);
      }
      const colon = line.indexOf(':');
      if (colon === -1) return this.text(line);
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^[ \t]+/, '');
      return `${name}: ${this.header(name, value, direction)}`;
    });
    return end === -1 ? lines.join('\r\n') : `${lines.join('\r\n')}\r\n\r\n${this.bodyText(body, contentType)}`;
  }
}

/** A header name as RFC 9110 writes it (Set-Cookie), whatever case it travelled in. */
function headerName(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}

function fieldNote(name: string, owner: string): string {
  return `the "${name}" field: ${owner}'s ${name.toLowerCase().includes('pass') ? 'password' : 'secret'}`;
}

function describeCookie(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'sid' || lower.includes('sess')) return 'session';
  if (lower === 'sandbox') return 'sandbox cookie';
  return `cookie ${name}`;
}

/** `"password": "x"` (and any secret name) in JSON text, masked even when the document is cut short. */
function maskJsonFields(text: string, seen: (name: string, value: string) => void): string {
  return text.replace(/"((?:[^"\\]|\\.){1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (whole, name: string, colon: string, value: string) => {
    if (!isSecretName(name) || value === '') return whole;
    seen(name, value);
    return `"${name}"${colon}"${MASK}"`;
  });
}

function headerValue(headers: readonly WireHeader[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function redactExchange(exchange: Exchange, redactor: Redactor): Exchange {
  const { request, response } = exchange;
  const requestType = headerValue(request.headers, 'content-type');
  // Headers and bodies first, so their secrets are known before the raw texts and URLs are masked.
  const requestHeaders = redactor.headers(request.headers, 'request');
  const requestBody = redactor.body(request.body, requestType);
  const responseType = response ? headerValue(response.headers, 'content-type') : undefined;
  const responseHeaders = response ? redactor.headers(response.headers, 'response') : [];
  const responseTrailers = response ? redactor.headers(response.trailers, 'response') : [];
  const responseBody = response ? redactor.body(response.body, responseType) : null;
  const url = redactor.url(request.url);
  const out: Exchange = {
    ...exchange,
    request: { ...request, url, headers: requestHeaders, body: requestBody, raw: redactor.raw(request.raw, 'request', requestType) },
    response: response
      ? { ...response, headers: responseHeaders, trailers: responseTrailers, body: responseBody, raw: redactor.raw(response.raw, 'response', responseType) }
      : null,
  };
  if (exchange.error) {
    out.error = { ...exchange.error, message: redactor.text(exchange.error.message) };
    if (exchange.error.received !== undefined) out.error.received = redactor.raw(exchange.error.received, 'response', undefined);
  }
  if (exchange.warnings) out.warnings = exchange.warnings.map((warning) => redactor.text(warning));
  // Every other string too (fields added to the transcript later, such as typed-vs-sent, included):
  // each secret seen above, and every session id or token, masked wherever it stands.
  return everyString(out, (value) => redactor.text(value)) as Exchange;
}

/** A copy of a JSON value with `map` applied to every string in it. */
function everyString(value: unknown, map: (value: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return map(value);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => everyString(item, map, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, everyString(item, map, depth + 1)]));
}

/** A transcript as other people may see it, with a note of what was hidden. */
export function redactTranscript(transcript: Transcript, owner: string): { transcript: Transcript; hidden: string[] } {
  const redactor = new Redactor(owner);
  // Two passes: the second masks, in earlier exchanges, secrets first seen in later ones (a token issued
  // by the last hop appears nowhere earlier, but a cookie set by hop 1 is sent by hop 2).
  for (const exchange of transcript.exchanges) redactExchange(exchange, redactor);
  const exchanges = transcript.exchanges.map((exchange) => redactExchange(exchange, redactor));
  return { transcript: { ...transcript, exchanges }, hidden: redactor.notes };
}

/** A captured request as the rest of a room may see it: the sender's credentials hidden. */
export function redactCapture(capture: CapturedRequest, owner = 'the sender'): CapturedRequest {
  const redactor = new Redactor(owner);
  const contentType = headerValue(capture.headers, 'content-type');
  const headers = redactor.headers(capture.headers, 'request');
  const body = redactor.body(capture.body, contentType);
  const target = redactor.url(capture.target);
  const query = redactor.url(`?${capture.query}`).slice(1);
  return { ...capture, headers, body, target, query, raw: redactor.raw(capture.raw, 'request', contentType) };
}

/** A URL for a log line or a roster: secret query parameters and sandbox credentials masked. */
export function redactUrl(url: string): string {
  return new Redactor('its sender').url(url);
}

/** Header names whose value is a credential, in a composer draft's rows. */
const DRAFT_CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** What the Auth tab's secret fields are called for a learner. */
const AUTH_FIELD_NAMES: Record<string, string> = { password: 'the password', token: 'the bearer token', cookie: 'the session cookie' };

/** The query parameters of a URL with secret names, as "the query parameter key". */
function secretParameters(url: string): string[] {
  const mark = url.indexOf('?');
  if (mark === -1) return [];
  return url
    .slice(mark + 1)
    .split('#')[0]!
    .split('&')
    .flatMap((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? '' : part.slice(0, eq);
      return eq !== -1 && part.slice(eq + 1) !== '' && isSecretName(name) ? [`the query parameter ${name}`] : [];
    });
}

/**
 * A composer draft with every credential emptied, and which ones (`left`, in words for the learner): secret-named
 * fields at any depth (the Auth tab's password, token or cookie), header, form and multipart rows with credential
 * names, secret query parameters and secret fields of the body, and the sandbox's own credentials. Used for what the
 * instructor pushes to students ("try this") and for share links, so each person fills in their own.
 */
export function redactDraft<T>(draft: T): { draft: T; left: string[] } {
  const redactor = new Redactor('the owner');
  const left: string[] = [];
  const empty = (value: string) => value.split(MASK).join('');
  const walk = (value: unknown, key: string, parent: string, depth: number): unknown => {
    if (depth > 16) return value;
    if (typeof value === 'string') {
      if (key !== '' && isSecretName(key)) {
        if (value !== '') left.push(parent === 'auth' ? (AUTH_FIELD_NAMES[key] ?? `the ${key}`) : `the ${key}`);
        return '';
      }
      if (key === 'url') {
        left.push(...secretParameters(value));
        return empty(redactor.url(value));
      }
      if (key === 'body') {
        const masked = redactor.bodyText(value, undefined);
        for (const match of masked.matchAll(/"((?:[^"\\]|\\.){1,64})"\s*:\s*"••••"/g)) left.push(`the "${match[1]}" field`);
        return empty(masked);
      }
      return empty(redactor.text(value));
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, '', key, depth + 1));
    const record = value as Record<string, unknown>;
    const rowName = typeof record.name === 'string' && typeof record.value === 'string' ? record.name.trim() : undefined;
    const credentialRow = rowName !== undefined && (DRAFT_CREDENTIAL_HEADERS.has(rowName.toLowerCase()) || isSecretName(rowName));
    if (credentialRow && record.value !== '') left.push(`${parent === 'headers' ? 'the header' : 'the form field'} ${rowName}`);
    return Object.fromEntries(Object.entries(record).map(([name, item]) => [name, credentialRow && name === 'value' ? '' : walk(item, name, key || parent, depth + 1)]));
  };
  return { draft: walk(draft, '', '', 0) as T, left };
}
