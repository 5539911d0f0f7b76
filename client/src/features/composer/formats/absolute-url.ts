// The copy-as formats need a full URL; the composer also holds paths on this sandbox (/api/books).
import type { OutgoingRequest } from '../../../lib/draft';

/** Where the sandbox runs by default (PORT 3000); pass the page's origin when it is known. */
export const DEFAULT_ORIGIN = 'http://localhost:3000';

/**
 * The URL to put in a command. A URL with a scheme is kept exactly as written (new URL() would normalise
 * it — resolve dot segments, re-encode — and so change the request); a path gets the origin in front.
 */
export function absoluteUrl(url: string, origin: string = DEFAULT_ORIGIN): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const base = origin.replace(/\/+$/, '');
  return url.startsWith('/') ? `${base}${url}` : `${base}/${url}`;
}

/** Options every "copy as" format takes. */
export interface CodeOptions {
  /** The sandbox's origin, put in front of paths (default http://localhost:3000). */
  origin?: string;
  /** Follow redirects instead of showing the 3xx. */
  followRedirects?: boolean;
  /** Give up waiting after this many seconds (the composer's Timeout, when the learner changed it). */
  timeoutSeconds?: number;
  /** Get a bearer token first and put it in one header, instead of a secret (see copy-auth.ts). */
  token?: TokenStep;
}

/**
 * A login step before the request: `login` answers JSON with a `token`, which the code keeps in a variable
 * and sends as "Bearer <token>" in the header at index `header` (whatever value that header has now).
 */
export interface TokenStep {
  header: number;
  login: OutgoingRequest;
}

/** The shell variable (curl, HTTPie) and program variable (fetch, Python) that holds the token. */
export const TOKEN_VARIABLE = { shell: 'TOKEN', program: 'token' } as const;

/** A sed program that prints the "token" of a compact or spaced JSON answer, for the shell formats. */
export const SED_TOKEN = `sed -E 's/.*"token": *"([^"]*)".*/\\1/'`;

/** The line above a login step, in every format. */
export const LOGIN_TEXT = 'Log in for a fresh token, used below in place of your session (POST /api/tokens).';
export const LOGIN_COMMENT_SHELL = `# ${LOGIN_TEXT}`;

/**
 * What urllib3 (under Python requests and HTTPie) writes differently in this URL's path and query: it
 * percent-encodes " < > [ \\ ] ^ ` { | } and spaces, and when a % is not followed by two hex digits, every %.
 * The characters it would change, for a comment in the copy (none: the URL goes as written).
 */
export function reencodedByUrllib3(url: string): string[] {
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/#.*$/s, '');
  return [...new Set(target.match(/[ "<>[\\\]^`{|}]|%(?![0-9A-Fa-f]{2})/g) ?? [])];
}

/** The comment line for reencodedByUrllib3's characters. */
export function urllib3Note(tool: string, characters: readonly string[]): string {
  const shown = characters.map((ch) => (ch === ' ' ? 'space' : ch)).join(' ');
  return `${tool} sends ${shown} in the URL percent-encoded, so the server sees a slightly different request target.`;
}

/** The comment line for a tool that upper-cases the method (requests, HTTPie), or undefined when that changes nothing. */
export function upperCaseNote(tool: string, method: string): string | undefined {
  if (method === method.toUpperCase()) return undefined;
  return `${tool} sends the method in capitals (${method.toUpperCase()}); method names are case-sensitive (RFC 9110 §9.1), so a server may read it as another method.`;
}
