// "Copy as JavaScript fetch": code that sends the request with fetch(), in a browser console or in
// Node.js 18+ (top-level await: a module or the console). Where fetch cannot send the request exactly,
// a comment at the top says what differs, because that difference is itself a lesson:
//  - A browser silently leaves out forbidden request headers (Host, Cookie, Origin, Content-Length,
//    Referer, Sec-…, see server/protocol/browser-forbidden-headers.ts) and sets its own.
//  - Node.js replaces Host and Content-Length with its own, and refuses Keep-Alive, Transfer-Encoding,
//    Upgrade, Expect and a Connection other than keep-alive/close: those lines are commented out so the
//    code still runs.
//  - fetch() joins repeated headers into one line ("X-A: 1, 2"); upper-cases GET, POST, PUT, DELETE, HEAD
//    and OPTIONS (but not "patch"); refuses CONNECT, TRACE and TRACK; and refuses a body on GET and HEAD.
//  - A text body with no Content-Type goes as bytes, because a string body makes fetch add
//    Content-Type: text/plain;charset=UTF-8.
import type { OutgoingRequest } from '../../../lib/draft';
import { absoluteUrl, LOGIN_TEXT, TOKEN_VARIABLE, type CodeOptions } from './absolute-url';
import { isForbiddenBrowserHeader } from '../../../../../server/protocol/browser-forbidden-headers';

/** Method names fetch() normalises to upper case (Fetch standard, "normalize a method"). */
const NORMALISED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const REFUSED_METHODS = ['CONNECT', 'TRACE', 'TRACK'];

/** Headers Node's fetch (undici) throws on; in a browser they are forbidden and dropped. */
function nodeRefuses(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (['keep-alive', 'transfer-encoding', 'upgrade', 'expect'].includes(lower)) return true;
  return lower === 'connection' && !['keep-alive', 'close'].includes(value.trim().toLowerCase());
}

const js = (text: string) => JSON.stringify(text);

export function toFetch(request: OutgoingRequest, options: CodeOptions = {}): string {
  const comments: string[] = [];
  const method = request.method;
  const upper = method.toUpperCase();
  if (REFUSED_METHODS.includes(upper)) comments.push(`fetch() refuses the ${upper} method (it throws a TypeError); curl can send it.`);
  else if (method !== upper && NORMALISED_METHODS.includes(upper)) comments.push(`fetch() sends "${upper}", not "${method}": it upper-cases the standard method names.`);

  const forbidden = request.headers.filter(([name, value]) => isForbiddenBrowserHeader(name, value)).map(([name]) => name);
  const names = [...new Set(forbidden)];
  if (names.length > 0) {
    comments.push(
      `A browser's fetch() silently leaves out ${names.join(', ')}: ${names.length === 1 ? 'it is a forbidden request header' : 'they are forbidden request headers'}, which only the browser sets. Node.js sends most of them.`,
    );
  }
  const replaced = request.headers.filter(([name]) => ['host', 'content-length'].includes(name.toLowerCase())).map(([name]) => name);
  if (replaced.length > 0) comments.push(`Node.js replaces ${replaced.join(' and ')} with its own value.`);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [name] of request.headers) {
    if (seen.has(name.toLowerCase())) repeated.add(name);
    seen.add(name.toLowerCase());
  }
  if (repeated.size > 0) comments.push(`fetch() joins repeated headers into one line (${[...repeated].join(', ')}: a, b).`);

  const lines = fetchCall(request, options, 'response', comments);
  lines.push(
    'console.log(response.status, response.statusText);',
    'for (const [name, value] of response.headers) console.log(`${name}: ${value}`);',
    'console.log(await response.text());',
  );
  const login = options.token
    ? [`// ${LOGIN_TEXT}`, ...fetchCall(options.token.login, { origin: options.origin }, 'login', []), `const { ${TOKEN_VARIABLE.program} } = await login.json();`, '']
    : [];
  return [...comments.map((c) => `// ${c}`), ...login, ...lines].join('\n');
}

/** `const <variable> = await fetch(…);` for the request; what fetch cannot send as given goes to `comments`. */
function fetchCall(request: OutgoingRequest, options: CodeOptions, variable: string, comments: string[]): string[] {
  const upper = request.method.toUpperCase();
  const lines: string[] = [`const ${variable} = await fetch(${js(absoluteUrl(request.url, options.origin))}, {`, `  method: ${js(request.method)},`];
  if (request.headers.length > 0) {
    lines.push('  headers: [');
    request.headers.forEach(([name, value], index) => {
      const entry = index === options.token?.header ? `[${js(name)}, "Bearer " + ${TOKEN_VARIABLE.program}],` : `[${js(name)}, ${js(value)}],`;
      lines.push(nodeRefuses(name, value) ? `    // ${entry} fetch() cannot send this header (browsers drop it, Node.js throws)` : `    ${entry}`);
    });
    lines.push('  ],');
  }
  if (request.body) {
    if (upper === 'GET' || upper === 'HEAD') {
      comments.push(`fetch() refuses a body on ${upper} (it throws a TypeError), so the body is left out; curl can send it.`);
    } else if (request.body.encoding === 'base64') {
      lines.push(`  body: Uint8Array.from(atob(${js(request.body.data)}), (c) => c.charCodeAt(0)),`);
    } else if (request.headers.some(([name]) => name.toLowerCase() === 'content-type')) {
      lines.push(`  body: ${js(request.body.data)},`);
    } else {
      // As bytes: a string body would make fetch add Content-Type: text/plain;charset=UTF-8.
      lines.push(`  body: new TextEncoder().encode(${js(request.body.data)}),`);
    }
  }
  if (!options.followRedirects) lines.push("  redirect: 'manual', // show a redirect instead of following it (a browser reports it as status 0)");
  if (options.timeoutSeconds !== undefined) lines.push(`  signal: AbortSignal.timeout(${Math.round(options.timeoutSeconds * 1000)}), // give up after ${options.timeoutSeconds} s`);
  lines.push('});');
  return lines;
}
