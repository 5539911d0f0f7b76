// The copy-as formats need a full URL; the composer also holds paths on this sandbox (/api/books).

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
}
