// "Copy as HTTPie": an `http` command (HTTPie 3) that sends the request.
//  - Headers are items Name:value in order; an empty value is Name; (Name: alone would remove it).
//    HTTPie reads a \ before : = @ ; as an escape and keeps any other \ as it is, so a value that starts
//    with = or @ gets a \ (Name:=… would be a JSON field, Name:@… a header read from a file). A \ just
//    before : = @ ; cannot be written at all; a comment line says so.
//  - A body is sent raw: --raw '…' for UTF-8 text (HTTPie encodes the argument as UTF-8), or
//    printf '…' | http … (standard input) for other bytes. HTTPie labels a raw body application/json unless told otherwise, so a request without a
//    Content-Type gets the item Content-Type: (empty), which removes HTTPie's.
//  - HTTPie does not follow redirects unless --follow is given; it adds its own User-Agent, Accept and
//    Accept-Encoding when the request does not set them.
//  - --ignore-stdin unless the body comes through standard input: in a script (standard input not a
//    terminal) HTTPie would otherwise read a body from it — an empty one labelled JSON, or a second body
//    it refuses beside --raw.
//  - HTTPie takes the first word as the method only when it is letters alone; any other method cannot be
//    written, which a comment line says. An item starting with - would be read as an option, so -- ends
//    the options first then.
//  - With a token step, a first line logs in (printing only the answer's body) and keeps the token in
//    $TOKEN; the header item is written in double quotes so bash puts the token in.
import type { OutgoingRequest } from '../../../lib/draft';
import { absoluteUrl, LOGIN_COMMENT_SHELL, reencodedByUrllib3, SED_TOKEN, TOKEN_VARIABLE, upperCaseNote, urllib3Note, type CodeOptions } from './absolute-url';
import { bodyBytes, utf8Text } from './bytes';
import { canQuoteForShell, printfBytes, quoteBytesForShell, quoteForShell } from './shell-quote';

function headerItem(name: string, value: string): string {
  if (value.trim() === '') return `${name};`;
  return `${name}:${/^[=@]/.test(value) ? '\\' : ''}${value}`;
}

/** HTTPie drops a \ that stands just before one of its separators, whatever is written. */
const UNWRITABLE_BACKSLASH = /\\[:=@;]/;

export interface ToHttpieOptions extends CodeOptions {
  /** Print only the response body: for a command whose output is read. */
  bodyOnly?: boolean;
}

export function toHttpie(request: OutgoingRequest, options: ToHttpieOptions = {}): string {
  // The response's head and body, as curl -i shows them (HTTPie prints only the body when its output is not a terminal).
  const parts = ['http', options.bodyOnly ? '--print=b' : '--print=hb'];
  if (options.followRedirects) parts.push('--follow');
  if (options.timeoutSeconds !== undefined) parts.push('--timeout', String(options.timeoutSeconds));
  // An empty body is no body to HTTPie (with --raw '' it would still label it JSON).
  const bytes = request.body ? bodyBytes(request.body) : null;
  const body = bytes?.length ? bytes : null;
  let input = '';
  if (body && (!canQuoteForShell(body) || utf8Text(body) === undefined)) input = `printf ${printfBytes(body)} | `;
  else parts.push('--ignore-stdin');
  if (body && !input) {
    const quoted = quoteBytesForShell(body);
    // A value that starts with - would be read as an option: --raw=… keeps it a value.
    parts.push(...(body[0] === 0x2d ? [`--raw=${quoted}`] : ['--raw', quoted]));
  }
  const items = request.headers.map(([name, value], index) =>
    index === options.token?.header ? `"${name}:Bearer $${TOKEN_VARIABLE.shell}"` : quoteForShell(headerItem(name, value)),
  );
  if (body && !request.headers.some(([name]) => name.toLowerCase() === 'content-type')) items.push(quoteForShell('Content-Type:'));
  if (request.headers.some(([name]) => name.startsWith('-'))) parts.push('--');
  parts.push(quoteForShell(request.method), quoteForShell(absoluteUrl(request.url, options.origin)), ...items);
  const login = options.token
    ? `${LOGIN_COMMENT_SHELL}\n${TOKEN_VARIABLE.shell}=$(${toHttpie(options.token.login, { origin: options.origin, bodyOnly: true })} | ${SED_TOKEN})\n`
    : '';
  const comments: string[] = [];
  const upper = upperCaseNote('HTTPie', request.method);
  const names = request.headers.map(([name]) => name.toLowerCase());
  if (names.some((name, i) => i > 0 && names.lastIndexOf(name, i - 1) !== -1 && names[i - 1] !== name)) {
    comments.push('# HTTPie sends repeated headers next to each other, so their order differs from the request.\n');
  }
  if (!/^[A-Za-z]+$/.test(request.method)) comments.push(`# HTTPie only sends methods made of letters, so it cannot send ${request.method}; copy the request as curl instead.\n`);
  else if (upper) comments.push(`# ${upper}\n`);
  const unwritable = request.headers.filter(([, value]) => UNWRITABLE_BACKSLASH.test(value)).map(([name]) => name);
  if (unwritable.length > 0) comments.push(`# HTTPie drops a \\ just before : = @ or ; so ${unwritable.join(', ')} will arrive without it; copy the request as curl to keep it.\n`);
  const reencoded = reencodedByUrllib3(absoluteUrl(request.url, options.origin));
  if (reencoded.length > 0) comments.push(`# ${urllib3Note('HTTPie', reencoded)}\n`);
  return `${comments.join('')}${login}${input}${parts.join(' ')}`;
}
