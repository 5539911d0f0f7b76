// Cookie header parsing and Set-Cookie writing (RFC 6265) through the `cookie` library (jshttp), which
// checks names, values and attributes against RFC 6265 §4.1.1 and returns a prototype-free object (a cookie
// named `constructor` or `toString` is echoed like any other, which the hand-written parser dropped). What
// stays ours: the app's defaults for its own cookies, and httpbin's reading of a quoted value.

import { parseCookie, stringifySetCookie } from 'cookie';

/** A cookie value as httpbin shows it: surrounding DQUOTEs removed (RFC 6265 §4.1.1), then percent-decoded when it decodes. */
function decodeValue(raw: string): string {
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Parses a Cookie request header into name → value (the first occurrence of a name wins). */
export function parseCookies(header: string | undefined): Record<string, string> {
  return (header ? parseCookie(header, { decode: decodeValue }) : Object.create(null)) as Record<string, string>;
}

/** Whether a text may be a cookie name: an RFC 9110 token, as RFC 6265 §4.1.1 asks. */
export function isCookieName(name: string): boolean {
  try {
    stringifySetCookie({ name, value: '' });
    return name !== '';
  } catch {
    return false;
  }
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  /** Default `/`. */
  path?: string;
  /** Default true: the app's own cookies are out of reach of page scripts. */
  httpOnly?: boolean;
  /** Default Lax (RFC 6265bis §5.4.7); `false` leaves the attribute out, as the echo's cookies do. */
  sameSite?: 'Strict' | 'Lax' | 'None' | false;
  secure?: boolean;
}

/** A Set-Cookie value; throws TypeError when the name, value or path cannot be written (check with isCookieName first). */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const sameSite = options.sameSite ?? 'Lax';
  return stringifySetCookie({
    name,
    value,
    path: options.path ?? '/',
    maxAge: options.maxAgeSeconds,
    httpOnly: options.httpOnly ?? true,
    sameSite: sameSite === false ? undefined : (sameSite.toLowerCase() as 'lax' | 'strict' | 'none'),
    secure: options.secure,
  });
}
