// Request headers a page's fetch() may not set: the Fetch standard's "forbidden request-header" rule
// (fetch.spec.whatwg.org, §2.2.2). The browser drops them silently and sends its own (or none) — one
// reason the sandbox sends requests from its server, where every header can be what the learner typed.
// Pure data and one function, used by the server's typed-vs-sent notes and by the page's "copy as fetch".

/** Forbidden request-header names, lower case. */
export const FORBIDDEN_BROWSER_HEADERS: readonly string[] = [
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
];

/** Any name starting with these is forbidden too. */
export const FORBIDDEN_BROWSER_HEADER_PREFIXES: readonly string[] = ['proxy-', 'sec-'];

/** These are forbidden only when their value names a forbidden method (CONNECT, TRACE, TRACK). */
const METHOD_OVERRIDE_HEADERS = ['x-http-method', 'x-http-method-override', 'x-method-override'];
const FORBIDDEN_METHODS = ['connect', 'trace', 'track'];

/** Whether a browser's fetch() would refuse to send this header as written. */
export function isForbiddenBrowserHeader(name: string, value?: string): boolean {
  const lower = name.trim().toLowerCase();
  if (FORBIDDEN_BROWSER_HEADERS.includes(lower)) return true;
  if (FORBIDDEN_BROWSER_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))) return true;
  if (METHOD_OVERRIDE_HEADERS.includes(lower) && value !== undefined) {
    return value.split(',').some((method) => FORBIDDEN_METHODS.includes(method.trim().toLowerCase()));
  }
  return false;
}
