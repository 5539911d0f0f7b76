// The response an inbox's owner may configure, checked before it is stored. An inbox answers on this
// server's own origin, so a configured response must not be able to act on the app itself:
// - no cookies (Set-Cookie would set or overwrite the app's session and sandbox cookies for every page);
// - no framing or connection headers (Content-Length, Transfer-Encoding, Connection… would let a body
//   be read as two responses: the server computes framing itself);
// - no policy headers that outlive the response (Strict-Transport-Security, Clear-Site-Data,
//   Alt-Svc, Service-Worker-Allowed) and no replacing our Content-Security-Policy;
// - Location and Refresh only to paths on this server, as a browser resolves them (no open redirect that
//   borrows our name: "/\t/host" is "//host" to a browser);
// - no JavaScript or CSS type, which a page of the app could load as its own script or style.
// These are the rules for all third-party content (server/http/third-party-content.ts). Every inbox response
// also carries INBOX_SAFETY_HEADERS: a configured text/html page with a <script> is then shown in a
// sandboxed, script-less document instead of running with the app's origin.
import type { FieldError, WireHeader } from '../protocol/api-types';
import { TOKEN } from '../protocol/http-syntax';
import { THIRD_PARTY_HEADERS, sameOriginTarget, refreshUrl, thirdPartyHeaderProblem } from '../http/third-party-content';
import type { InboxResponse } from '../protocol/classroom-types';
import { INBOX_RESPONSE_BODY_MAX, INBOX_RESPONSE_HEADER_VALUE_MAX, INBOX_RESPONSE_HEADERS_MAX } from './limits';

/** Headers the owner may not set, and why (the reason goes into the 422 problem). */
export const DENIED_RESPONSE_HEADERS: Record<string, string> = {
  'set-cookie': 'it would set cookies for this whole site, including the log-in and sandbox cookies of everyone who opens the inbox URL',
  'set-cookie2': 'it would set cookies for this whole site',
  'content-length': 'the server computes Content-Length from the body you configure',
  'transfer-encoding': 'the server decides how the body is framed on the connection',
  connection: 'it is a hop-by-hop header that controls this connection, not the message',
  'keep-alive': 'it is a hop-by-hop header that controls this connection, not the message',
  'proxy-connection': 'it is a hop-by-hop header that controls this connection, not the message',
  upgrade: 'switching protocols is not something an inbox can do',
  te: 'it is a request header and hop-by-hop',
  trailer: 'inbox responses have no trailers',
  'strict-transport-security': 'browsers would remember it for this whole site for a long time',
  'clear-site-data': 'it would wipe the storage and cookies of this whole site in the browser',
  'alt-svc': 'browsers would remember another server for this whole site',
  'service-worker-allowed': 'it would widen what a service worker of this site may control',
  'content-security-policy': 'the server sets its own policy so that inbox pages cannot run scripts on this site',
  'content-security-policy-report-only': 'the server sets its own policy so that inbox pages cannot run scripts on this site',
  'x-content-type-options': 'the server always sends nosniff on inbox responses',
};

/** Added to every inbox response (and never configurable): see the comment at the top. */
export const INBOX_SAFETY_HEADERS: Readonly<Record<string, string>> = THIRD_PARTY_HEADERS;

/** The origin a configured response is checked against: any real one gives the same answer for a path. */
const CHECK_ORIGIN = 'http://this-server.invalid';

/** A Location or Refresh target must be a path that stays on this server once a browser reads it. */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && sameOriginTarget(value, CHECK_ORIGIN) !== undefined;
}

// RFC 9110 §5.5: visible characters, spaces and tabs (and obs-text); never CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Statuses whose responses never carry a body (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
const BODYLESS_STATUSES = new Set([204, 205, 304]);

export interface ResponseInput {
  status: number;
  headers?: WireHeader[];
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

export type ResponseCheck = { ok: true; response: InboxResponse; bodyBytes: Buffer } | { ok: false; errors: FieldError[] };

function error(field: string, message: string): FieldError {
  return { field, location: 'body', message };
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', tab: '\t', newline: '\n', sol: '/', bsol: '\\', colon: ':' };

/** An attribute value as a browser reads it: character references decoded (&#9; is a tab). */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The URLs the <meta http-equiv="refresh"> tags of an HTML body would navigate to. */
export function metaRefreshTargets(html: string): string[] {
  const targets: string[] = [];
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv\s*=\s*["']?\s*refresh/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (!content) continue;
    const url = refreshUrl(decodeAttribute(content[1] ?? content[2] ?? content[3] ?? ''));
    if (url !== undefined) targets.push(url);
  }
  return targets;
}

/** Checks a configured response; on success gives it with its body as bytes. */
export function checkInboxResponse(input: ResponseInput): ResponseCheck {
  const errors: FieldError[] = [];
  const status = input.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    errors.push(error('status', 'must be a whole number from 200 to 599 (1xx statuses are not final answers, so an inbox cannot send one)'));
  }
  const headers = input.headers ?? [];
  if (headers.length > INBOX_RESPONSE_HEADERS_MAX) {
    errors.push(error('headers', `has ${headers.length} header lines; use at most ${INBOX_RESPONSE_HEADERS_MAX}`));
  }
  headers.slice(0, INBOX_RESPONSE_HEADERS_MAX).forEach(([name, value], i) => {
    const field = `headers[${i}]`;
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) {
      errors.push(error(field, `the name ${JSON.stringify(name)} is not a valid header name: use letters, digits and - (for example X-Request-Id)`));
      return;
    }
    if (value.length > INBOX_RESPONSE_HEADER_VALUE_MAX) {
      errors.push(error(field, `the value of ${name} is ${value.length} characters long; use at most ${INBOX_RESPONSE_HEADER_VALUE_MAX}`));
      return;
    }
    if (!FIELD_VALUE.test(value)) {
      errors.push(error(field, `the value of ${name} contains a line break or control character, which would end the header early; remove it`));
      return;
    }
    const denied = DENIED_RESPONSE_HEADERS[lower];
    if (denied) {
      errors.push(error(field, `${name} cannot be set on an inbox response: ${denied}`));
      return;
    }
    if ((lower === 'location' || lower === 'content-location') && !isLocalPath(value.trim())) {
      errors.push(error(field, `${name} must be a path on this server that starts with a single / and stays here once a browser reads it (which drops tabs and line breaks and reads \\ as /), for example /inbox-view/abc or /api/books, so the inbox cannot send people to other sites`));
      return;
    }
    if (lower === 'refresh') {
      const url = refreshUrl(value);
      if (!/^\s*\d+/.test(value) || (url !== undefined && !isLocalPath(url))) {
        errors.push(error(field, 'Refresh may only name a number of seconds and, optionally, url= a path on this server (for example "5; url=/")'));
      }
      return;
    }
    const unsafe = thirdPartyHeaderProblem(name, value, CHECK_ORIGIN);
    if (unsafe) errors.push(error(field, `${name}: ${value.slice(0, 60)} cannot be set on an inbox response: ${unsafe}`));
  });

  const encoding = input.bodyEncoding ?? 'text';
  const text = input.body ?? '';
  let bodyBytes = Buffer.alloc(0);
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      errors.push(error('body', 'is not valid base64; send text with "bodyEncoding": "text", or encode the bytes as base64'));
    } else {
      bodyBytes = Buffer.from(text, 'base64');
    }
  } else {
    bodyBytes = Buffer.from(text, 'utf8');
  }
  const offSite = metaRefreshTargets(bodyBytes.toString('latin1')).find((url) => !isLocalPath(url));
  if (offSite !== undefined) {
    errors.push(error('body', `has a <meta http-equiv="refresh"> that would send visitors to ${JSON.stringify(offSite.slice(0, 80))}, away from this server; a page's refresh follows the same rule as the Refresh header: a path on this server, such as url=/`));
  }
  if (bodyBytes.length > INBOX_RESPONSE_BODY_MAX) {
    errors.push(error('body', `is ${bodyBytes.length} bytes; an inbox response body may have at most ${INBOX_RESPONSE_BODY_MAX}`));
  }
  if (BODYLESS_STATUSES.has(status) && bodyBytes.length > 0) {
    errors.push(error('body', `must be empty: a ${status} response never has a body (RFC 9110), so clients would misread the connection`));
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, response: { status, headers: headers.map(([n, v]) => [n, v]), body: text, bodyEncoding: encoding }, bodyBytes };
}
