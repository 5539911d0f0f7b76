// What the sandbox's HTTP client (undici) will and will not put on the wire, checked before sending so a
// learner gets a 400 that names the header and says why, instead of undici's terse "invalid header".
// The rules mirror undici 7's request checks (lib/core/request.js) and the RFCs behind them.
import type { FieldError, WireHeader } from '../protocol/api-types';
import { HttpProblem } from '../http/problem';
import { TOKEN } from '../protocol/http-syntax';

/** Characters a header value may hold on the wire (RFC 9110 §5.5): tab, visible ASCII, and obs-text bytes. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Header fields undici always refuses, and why, in a learner's words. */
const REFUSED_HEADERS: Record<string, string> = {
  'transfer-encoding':
    'undici chooses the framing of the body itself: it sends Content-Length for a body whose size it knows, so a Transfer-Encoding typed by hand could contradict it (that contradiction is how request smuggling works, RFC 9112 §6.1). Remove the header; the /stream and /drip endpoints show chunked framing in their responses.',
  'keep-alive':
    'Keep-Alive is an old HTTP/1.0 header; undici manages keep-alive itself and refuses to send it. Remove the header (RFC 9112 §9.3 explains persistent connections).',
  upgrade:
    'Upgrade switches the connection to another protocol (such as WebSocket), which the sandbox cannot show as an HTTP exchange, so undici refuses it in a normal request. Remove the header.',
  expect:
    'Expect: 100-continue makes the client wait for an interim answer before sending the body; undici does not support it and refuses the header. Remove the header.',
};

function where(index: number, part: 0 | 1): string {
  return `headers[${index}][${part}]`;
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (char === '\r' || char === '\n') return 'a line break';
  if (code < 0x20 || code === 0x7f) return `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `“${char}” (U+${code.toString(16).toUpperCase().padStart(4, '0')}), which is not a Latin-1 character`;
}

function notSendable(message: string, field: string, extra: Record<string, unknown>): HttpProblem {
  const errors: FieldError[] = [{ field, location: 'body', message }];
  return new HttpProblem('request-not-sendable', message, { errors, extra });
}

/**
 * Throws a 400 problem naming the first header (or the method) undici would refuse, so the composer can
 * point at that row. `bodySize` is the number of body bytes the learner gave (0 for none).
 */
export function checkSendable(method: string, headers: readonly WireHeader[], bodySize: number): void {
  if (method === 'CONNECT') {
    throw notSendable(
      'CONNECT asks a proxy to open a tunnel to host:port (RFC 9110 §9.3.6); it has no path and no answer a sandbox could show, and undici refuses it in a normal request. Try OPTIONS or a made-up method such as FOO instead.',
      'method',
      { method },
    );
  }
  let hosts = 0;
  let lengths = 0;
  headers.forEach(([name, value], index) => {
    if (!isToken(name)) {
      const what = name === '' ? 'A header has an empty name' : `The header name ${JSON.stringify(name)} is not valid`;
      throw notSendable(
        `${what}: names are made of letters, digits and ! # $ % & ' * + - . ^ _ \` | ~ only, with no spaces or colons (RFC 9110 §5.1). Fix the name in row ${index + 1} of the headers.`,
        where(index, 0),
        { header: name },
      );
    }
    const bad = BAD_VALUE_CHAR.exec(value);
    if (bad) {
      const why = bad[0] === '\r' || bad[0] === '\n'
        ? ' A line break would end this header and start another one (header injection), so no HTTP client sends it.'
        : ' Header values are bytes, not Unicode text: write them in ASCII, or percent-encode the character.';
      throw notSendable(`The value of the ${name} header contains ${describeChar(bad[0])}.${why}`, where(index, 1), { header: name });
    }
    const lower = name.toLowerCase();
    const refusal = REFUSED_HEADERS[lower];
    if (refusal) throw notSendable(`The sandbox cannot send a ${name} header: ${refusal}`, where(index, 0), { header: name });
    if (lower === 'connection' && !value.split(',').every((option) => isToken(option.trim()))) {
      throw notSendable(
        `The value of the Connection header must be a comma list of header names or the words close / keep-alive (RFC 9110 §7.6.1), not ${JSON.stringify(value)}.`,
        where(index, 1),
        { header: name },
      );
    }
    if (lower === 'host' && ++hosts > 1) {
      throw notSendable(
        'The request has two Host headers. A server must answer 400 to that (RFC 9112 §3.2), and undici refuses to send it. Keep one Host header.',
        where(index, 0),
        { header: name },
      );
    }
    if (lower === 'content-length') {
      if (++lengths > 1) {
        throw notSendable(
          'The request has two Content-Length headers; if they differ, a server and a proxy could disagree on where the body ends (request smuggling), so undici refuses. Keep one, or remove it and let the client count the bytes.',
          where(index, 0),
          { header: name },
        );
      }
      if (!/^\d+$/.test(value) || Number(value) !== bodySize) {
        throw notSendable(
          `Content-Length says ${JSON.stringify(value)}, but the body is ${bodySize} byte${bodySize === 1 ? '' : 's'}. undici only sends a Content-Length that matches the body, because a wrong one leaves the server waiting for bytes that never come, or reading the rest as a new request (RFC 9112 §6.3). Remove the header (the client counts the bytes for you) or set it to ${bodySize}.`,
          where(index, 1),
          { header: name },
        );
      }
    }
  });
}

/** Methods whose requests have no defined meaning for a body (RFC 9110 §9.3). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

/** Why undici leaves out or rewrites a header a learner typed. */
const REWRITTEN: Record<string, (value: string) => string> = {
  connection: (value) => {
    const closes = value.split(',').some((option) => option.trim().toLowerCase() === 'close');
    return `undici manages the connection itself, so your "Connection: ${value}" was replaced by "connection: ${closes ? 'close' : 'keep-alive'}" on the wire.`;
  },
  'content-length': (value) =>
    `Your "Content-Length: ${value}" was left out: undici does not send Content-Length when a request without a body has a method that does not expect one (RFC 9110 §8.6).`,
};

/**
 * Things that went out differently from what the learner typed, or that a lesson would point out. Sent
 * anyway: the sandbox warns, it does not block. `sent` is the header block undici wrote (undefined when
 * nothing was written).
 */
export function sendWarnings(method: string, typed: readonly WireHeader[], sent: readonly WireHeader[] | undefined, bodySize: number): string[] {
  const warnings: string[] = [];
  if (bodySize > 0 && BODYLESS_METHODS.has(method.toUpperCase())) {
    warnings.push(
      `This ${method} request carries a body of ${bodySize} bytes. A body on ${method.toUpperCase()} has no defined meaning (RFC 9110 §9.3): many servers ignore it, some reject the request, and proxies may drop it. It was sent anyway.`,
    );
  }
  if (!sent) return warnings;
  // Names compare without case (RFC 9110 §5.1) and values without surrounding whitespace (§5.5), as a server reads them.
  const remaining = sent.map(([name, value]) => `${name.toLowerCase()}\n${value}`);
  for (const [name, value] of typed) {
    const index = remaining.indexOf(`${name.toLowerCase()}\n${value.trim()}`);
    if (index !== -1) {
      remaining.splice(index, 1);
      continue;
    }
    const explain = REWRITTEN[name.toLowerCase()];
    warnings.push(explain ? explain(value) : `Your header "${name}: ${value}" did not go on the wire as typed.`);
  }
  return warnings;
}
