// What in a copied request would let someone else act as the learner, and the placeholder version.
//  - The session cookie (`sid`, set by POST /api/session) logs in whoever sends it until it expires.
//  - A bearer token (Authorization: Bearer …) does the same.
// The placeholder version keeps everything else — the sandbox cookie too, so the copy works in the
// learner's own data — and gets a fresh token first: a login request to POST /api/tokens whose answer's
// `token` goes into Authorization: Bearer (RFC 6750 §2.1). Each "copy as" format writes that login step in
// its own language (see TokenStep in absolute-url.ts).
import type { OutgoingRequest } from '../../../lib/draft';
import type { TokenStep } from './absolute-url';

/** The toy API's session cookie (server/services/auth.ts). */
export const SESSION_COOKIE = 'sid';
/** Where a script gets a bearer token with a username and password. */
export const TOKEN_ENDPOINT = '/api/tokens';
export const PASSWORD_PLACEHOLDER = 'YOUR_PASSWORD';
export const USERNAME_PLACEHOLDER = 'YOUR_USERNAME';

export interface CopySecrets {
  /** The request carries the session cookie. */
  sessionCookie: boolean;
  /** The request carries a bearer token. */
  bearer: boolean;
}

function cookiePairs(value: string): string[] {
  return value.split(';').map((pair) => pair.trim()).filter(Boolean);
}

function isSessionPair(pair: string): boolean {
  return pair.slice(0, pair.indexOf('=')).trim() === SESSION_COOKIE;
}

const isCookie = (name: string) => name.toLowerCase() === 'cookie';
const isBearer = ([name, value]: readonly [string, string]) => name.toLowerCase() === 'authorization' && /^bearer\s/i.test(value);

export function secretsIn(request: OutgoingRequest): CopySecrets {
  return {
    sessionCookie: request.headers.some(([name, value]) => isCookie(name) && cookiePairs(value).some(isSessionPair)),
    bearer: request.headers.some(isBearer),
  };
}

export function hasSecrets(secrets: CopySecrets): boolean {
  return secrets.sessionCookie || secrets.bearer;
}

export interface LoginFor {
  username?: string;
  /** Only for accounts whose password is public (the demo users); otherwise a placeholder is written. */
  password?: string;
}

/**
 * The request without its secrets, and the login step that gets a token in their place. Cookie headers lose
 * the session cookie (and go when nothing is left); a bearer token's header, or a new one at the end when
 * the session cookie was the login, carries the token the login step gets.
 */
export function withTokenPlaceholder(request: OutgoingRequest, login: LoginFor): { request: OutgoingRequest; token: TokenStep } | undefined {
  const secrets = secretsIn(request);
  if (!hasSecrets(secrets)) return undefined;
  const headers: [string, string][] = [];
  let header = -1;
  for (const [name, value] of request.headers) {
    if (isCookie(name)) {
      const kept = cookiePairs(value).filter((pair) => !isSessionPair(pair));
      if (kept.length > 0) headers.push([name, kept.join('; ')]);
      continue;
    }
    if (isBearer([name, value])) {
      if (header === -1) {
        header = headers.length;
        headers.push([name, value]);
      }
      continue;
    }
    headers.push([name, value]);
  }
  if (header === -1) {
    header = headers.length;
    headers.push(['Authorization', 'Bearer']);
  }
  // The login goes to the same server, in the same sandbox (the token is only good there).
  const sandbox = headers.filter(([name]) => isCookie(name)).map(([, value]) => value);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(request.url)?.[0] ?? '';
  const body = JSON.stringify({ username: login.username ?? USERNAME_PLACEHOLDER, password: login.password ?? PASSWORD_PLACEHOLDER });
  const loginRequest: OutgoingRequest = {
    method: 'POST',
    url: `${origin}${TOKEN_ENDPOINT}`,
    headers: [['Content-Type', 'application/json'], ...sandbox.map((value): [string, string] => ['Cookie', value])],
    body: { encoding: 'text', data: body },
  };
  return { request: { ...request, headers }, token: { header, login: loginRequest } };
}
