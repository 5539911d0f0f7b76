// What anyone can make this server say — the echo endpoints (/response-headers, /base64, /cookies/set…) and
// the inboxes, which answer what their owner configured — is third-party content served on the app's own
// origin. It is kept from acting as the app by one set of rules, applied to every such response (and to an
// inbox's configured response before it is stored):
//
// - It is inert: `Content-Security-Policy: sandbox` gives a document an opaque origin of its own with no
//   script, so it cannot read the app's storage or call the app with the learner's cookies; `nosniff` and
//   never a JavaScript or CSS type mean a page cannot load it as script, worker or style (which a document's
//   CSP would not stop, and which `script-src 'self'` would allow).
// - It never touches the app's credentials: no Set-Cookie naming the app's cookies (login CSRF, cookie
//   tossing), no Clear-Site-Data (which would wipe the app's cookies and storage), no Service-Worker-Allowed
//   or Alt-Svc (which outlive the response), and an inbox never records the app's cookies that a browser
//   sends along on its own. (Strict-Transport-Security stays: the https-only lesson sends it, and a browser
//   ignores it over plain http, RFC 6797 §8.1.)
// - Its redirects stay on this origin: Location and Refresh are resolved the way a browser resolves them
//   (WHATWG URL parsing, which drops tabs and newlines and reads "\" as "/"), and only a target with this
//   server's own origin passes.
//
// Cookies are not isolated by port (RFC 6265 §8.5), so a second port for this content would still share the
// app's cookie jar: these rules would be needed there too, which is why they are the isolation here.
import { SESSION_COOKIE } from '../services/auth';
import { SANDBOX_COOKIE } from '../services/sandboxes';

/** The cookies that carry the app's credentials (the session, the private sandbox). */
export const APP_COOKIES: readonly string[] = [SESSION_COOKIE, SANDBOX_COOKIE];

/** Headers on every third-party response. */
export const THIRD_PARTY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

// WHATWG MIME Sniffing §4.6: the JavaScript MIME type essences; and CSS, which a page could load as style.
const ACTIVE_TYPES = new Set([
  'application/ecmascript', 'application/javascript', 'application/x-ecmascript', 'application/x-javascript',
  'text/ecmascript', 'text/javascript', 'text/javascript1.0', 'text/javascript1.1', 'text/javascript1.2',
  'text/javascript1.3', 'text/javascript1.4', 'text/javascript1.5', 'text/jscript', 'text/livescript',
  'text/x-ecmascript', 'text/x-javascript', 'text/css',
]);

/** Whether a Content-Type would let a page run or apply the body as the app's own script or style. */
export function isActiveContentType(value: string): boolean {
  return ACTIVE_TYPES.has(value.split(';')[0]!.trim().toLowerCase());
}

/**
 * A redirect target resolved as a browser would, when it stays on this server (`ownOrigin`'s host and port,
 * over http or https — the https-only lesson redirects to the https address of the same server); otherwise
 * undefined.
 */
export function sameOriginTarget(value: string, ownOrigin: string): string | undefined {
  let resolved: URL;
  let own: URL;
  try {
    own = new URL(ownOrigin);
    resolved = new URL(value, `${own.origin}/`);
  } catch {
    return undefined;
  }
  const sameServer = resolved.host === own.host && (resolved.protocol === 'http:' || resolved.protocol === 'https:');
  return sameServer ? `${resolved.pathname}${resolved.search}${resolved.hash}` : undefined;
}

/** The URL a Refresh value would navigate to (`5; url=/x`, `0;URL='/x'`), or undefined when it names none. */
export function refreshUrl(value: string): string | undefined {
  const match = /^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/i.exec(value);
  let url = (match?.[1] ?? '').trim();
  if ((url.startsWith("'") || url.startsWith('"')) && url.length > 0) url = url.slice(1, url.endsWith(url[0]!) && url.length > 1 ? -1 : undefined);
  return url === '' ? undefined : url;
}

/** The cookie name a Set-Cookie value sets, as a browser reads it (trimmed). */
function cookieName(setCookie: string): string {
  const pair = setCookie.split(';')[0]!;
  const equals = pair.indexOf('=');
  return (equals === -1 ? '' : pair.slice(0, equals)).trim();
}

const OUTLIVING: Record<string, string> = {
  'clear-site-data': "it would wipe this site's cookies and storage in the browser, the app's log-in and the instructor's key included",
  'service-worker-allowed': 'it would widen what a service worker of this site may control',
  'alt-svc': 'browsers would remember another server for this whole site',
};

/**
 * Why a response header may not be sent as third-party content, or undefined when it may. `ownOrigin` is
 * the origin the response is served from (e.g. http://127.0.0.1:3000).
 */
export function thirdPartyHeaderProblem(name: string, value: string, ownOrigin: string): string | undefined {
  const lower = name.toLowerCase();
  const outliving = OUTLIVING[lower];
  if (outliving) return outliving;
  if (lower === 'set-cookie' || lower === 'set-cookie2') {
    const cookie = cookieName(value);
    if (APP_COOKIES.some((reserved) => reserved.toLowerCase() === cookie.toLowerCase())) {
      return `the cookie ${JSON.stringify(cookie)} is the app's own (${cookie.toLowerCase() === SESSION_COOKIE ? 'the log-in session' : 'the private sandbox'}); setting it from here would log a visitor into someone else's session or sandbox. Use another cookie name`;
    }
  }
  if (lower === 'location' || lower === 'content-location') {
    if (sameOriginTarget(value.trim(), ownOrigin) === undefined) {
      return `${JSON.stringify(value)} leads away from this server once a browser reads it (it drops tabs and line breaks and reads \\ as /); use a path on this server such as /get`;
    }
  }
  if (lower === 'refresh') {
    const url = refreshUrl(value);
    if (url !== undefined && sameOriginTarget(url, ownOrigin) === undefined) {
      return `it would send the browser to ${JSON.stringify(url)}, away from this server; name a path on this server such as "5; url=/get"`;
    }
  }
  if (lower === 'content-type' && isActiveContentType(value)) {
    return `a page on this site could load the body as the app's own ${value.toLowerCase().includes('css') ? 'style sheet' : 'script'}; use text/plain or application/json to show the text`;
  }
  return undefined;
}

/** The request's Cookie headers with the app's own cookies masked: what an inbox may record. */
export function withoutAppCookies(rawHeaders: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    let value = rawHeaders[i + 1]!;
    if (name.toLowerCase() === 'cookie') {
      value = value
        .split(';')
        .map((pair) => {
          const equals = pair.indexOf('=');
          const cookie = (equals === -1 ? pair : pair.slice(0, equals)).trim();
          return APP_COOKIES.includes(cookie) ? `${pair.slice(0, equals + 1)}[hidden: the app's own cookie]` : pair;
        })
        .join(';');
    }
    result.push(name, value);
  }
  return result;
}
