// A small cookie jar for requests sent through the sandbox: like a browser (or curl -b/-c), it keeps
// cookies that responses set and sends them back to the same origin and path (RFC 6265 §5.3–5.4).

export interface JarCookie {
  name: string;
  value: string;
  origin: string;
  path: string;
  /** Epoch ms; undefined for a session cookie. */
  expiresAt?: number;
  httpOnly: boolean;
}

/** Parses one Set-Cookie value; undefined when it has no name=value pair. */
export function parseSetCookie(header: string, origin: string, requestPath: string, now = Date.now()): JarCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const at = pair.indexOf('=');
  if (at <= 0) return undefined;
  const cookie: JarCookie = {
    name: pair.slice(0, at).trim(),
    value: pair.slice(at + 1).trim(),
    origin,
    path: defaultPath(requestPath),
    httpOnly: false,
  };
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    else if (name === 'max-age' && /^-?\d+$/.test(value)) cookie.expiresAt = now + Number(value) * 1000;
    else if (name === 'expires' && cookie.expiresAt === undefined) {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) cookie.expiresAt = time;
    } else if (name === 'httponly') cookie.httpOnly = true;
  }
  return cookie;
}

function defaultPath(requestPath: string): string {
  const path = requestPath.split('?')[0] ?? '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** The jar after storing the cookies a response set (an expired cookie deletes its namesake). */
export function storeCookies(jar: readonly JarCookie[], setCookies: readonly string[], url: URL, now = Date.now()): JarCookie[] {
  let next = [...jar];
  for (const header of setCookies) {
    const cookie = parseSetCookie(header, url.origin, url.pathname, now);
    if (!cookie) continue;
    next = next.filter((c) => !(c.name === cookie.name && c.origin === cookie.origin && c.path === cookie.path));
    if (cookie.expiresAt === undefined || cookie.expiresAt > now) next.push(cookie);
  }
  return next;
}

/** The Cookie header value for a request to this URL, or undefined when no cookie applies. */
export function cookieHeaderFor(jar: readonly JarCookie[], url: URL, now = Date.now()): string | undefined {
  const applicable = jar
    .filter((c) => c.origin === url.origin && pathMatches(url.pathname, c.path) && (c.expiresAt === undefined || c.expiresAt > now))
    .sort((a, b) => b.path.length - a.path.length);
  if (applicable.length === 0) return undefined;
  return applicable.map((c) => `${c.name}=${c.value}`).join('; ');
}
