// "Copy as curl": a command that, pasted into bash, sends the request the sandbox would send — the same
// method, URL, headers in the same order and the same body bytes.
//
// How each part is written:
//  - Words are quoted for bash (see shell-quote.ts): '…' normally, $'…' when there are control characters.
//  - A body goes in --data-raw (which, unlike -d and --data-binary, never reads "@file"). curl adds a
//    Content-Type to every body it sends, so when the request has none, -H 'Content-Type:' removes it.
//  - A body with a NUL byte (images, most binary files) cannot be a bash word at all, so it goes
//    through printf and standard input: printf '…\000…' | curl --data-binary @- … . printf's escapes
//    keep the text parts readable (a multipart body shows its parts), at up to four characters per byte.
//  - HEAD uses --head (with -X HEAD curl would wait for a body that never comes); POST with a body
//    needs no -X, and leaving it out keeps curl's redirect behaviour the same as the sandbox's.
//  - --globoff when the URL has [ ] { } (curl would expand them), --path-as-is when it has /./ or /../
//    (curl would remove them).
//  - curl also sends Host, Content-Length, and its own User-Agent and Accept: */* unless the request
//    sets them; omitCurlDefaults: true removes the last two, for a byte-for-byte comparison.
//  - With a token step (instead of a session cookie or token in the copy), a first line logs in with
//    curl -s and keeps the answer's token in $TOKEN; the header is written in double quotes so bash
//    puts the token in.
import type { OutgoingRequest } from '../../../lib/draft';
import { absoluteUrl, LOGIN_COMMENT_SHELL, SED_TOKEN, TOKEN_VARIABLE, type CodeOptions } from './absolute-url';
import { bodyBytes } from './bytes';
import { canQuoteForShell, printfBytes, quoteBytesForShell, quoteForShell } from './shell-quote';

export interface ToCurlOptions extends CodeOptions {
  /** One option per line, joined with \ (easier to read and edit). */
  multiline?: boolean;
  /** Remove curl's own User-Agent and Accept when the request has none. */
  omitCurlDefaults?: boolean;
  /** Print only the response body (-s), not the status and headers (-i): for a command whose output is read. */
  bodyOnly?: boolean;
}

function has(request: OutgoingRequest, name: string): boolean {
  return request.headers.some(([n]) => n.toLowerCase() === name);
}

export function toCurl(request: OutgoingRequest, options: ToCurlOptions = {}): string {
  const url = absoluteUrl(request.url, options.origin);
  const body = request.body ? bodyBytes(request.body) : null;
  const method = request.method;
  // Each group is one option with its value; multiline puts each group after the first on its own line.
  const first: string[] = ['curl'];
  const groups: string[][] = [];
  if (method === 'HEAD' && !body) first.push('--head');
  else first.push(options.bodyOnly ? '-s' : '-i');
  if (!(method === 'GET' && !body) && !(method === 'POST' && body) && !(method === 'HEAD' && !body)) first.push('-X', quoteForShell(method));
  if (options.followRedirects) first.push('-L');
  if (options.timeoutSeconds !== undefined) first.push('--max-time', String(options.timeoutSeconds));
  if (/[[\]{}]/.test(url)) first.push('--globoff');
  if (/\/\.\.?(?:[/?#]|$)/.test(url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, ''))) first.push('--path-as-is');
  first.push(quoteForShell(url));

  // curl's way to send a header with an empty value is "Name;" ("Name:" would remove the header).
  request.headers.forEach(([name, value], index) => {
    if (index === options.token?.header) groups.push(['-H', `"${name}: Bearer $${TOKEN_VARIABLE.shell}"`]);
    else groups.push(['-H', quoteForShell(value.trim() === '' ? `${name};` : `${name}: ${value}`)]);
  });
  if (options.omitCurlDefaults) {
    if (!has(request, 'user-agent')) groups.push(['-H', quoteForShell('User-Agent:')]);
    if (!has(request, 'accept')) groups.push(['-H', quoteForShell('Accept:')]);
  }
  let input = '';
  if (body) {
    if (!has(request, 'content-type')) groups.push(['-H', quoteForShell('Content-Type:')]);
    if (canQuoteForShell(body)) {
      groups.push(['--data-raw', quoteBytesForShell(body)]);
    } else {
      input = `printf ${printfBytes(body)} |`;
      groups.push(['--data-binary', '@-']);
    }
  }

  const login = options.token ? `${LOGIN_COMMENT_SHELL}\n${TOKEN_VARIABLE.shell}=$(${toCurl(options.token.login, { origin: options.origin, bodyOnly: true })} | ${SED_TOKEN})\n` : '';
  if (options.multiline) {
    const lines = [first.join(' '), ...groups.map((g) => `  ${g.join(' ')}`)];
    return `${login}${input ? `${input}\n` : ''}${lines.join(' \\\n')}`;
  }
  return `${login}${[input, ...first, ...groups.flat()].filter(Boolean).join(' ')}`;
}
