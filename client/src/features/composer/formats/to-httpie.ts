// "Copy as HTTPie": an `http` command (HTTPie 3) that sends the request.
//  - Headers are items Name:value in order; an empty value is Name; (Name: alone would remove it).
//    HTTPie reads \ before : = @ ; and \ as an escape, so backslashes are doubled, and a value that starts
//    with = or @ gets a \ (Name:=… would be a JSON field, Name:@… a header read from a file).
//  - A body is sent raw: --raw '…' for text, or printf '…' | http … (standard input) when it has NUL
//    bytes. HTTPie labels a raw body application/json unless told otherwise, so a request without a
//    Content-Type gets the item Content-Type: (empty), which removes HTTPie's.
//  - HTTPie does not follow redirects unless --follow is given; it adds its own User-Agent, Accept and
//    Accept-Encoding when the request does not set them.
import type { OutgoingRequest } from '../draft';
import { absoluteUrl, type CodeOptions } from './absolute-url';
import { bodyBytes } from './bytes';
import { canQuoteForShell, printfBytes, quoteBytesForShell, quoteForShell } from './shell-quote';

function headerItem(name: string, value: string): string {
  if (value.trim() === '') return `${name};`;
  const escaped = value.replaceAll('\\', '\\\\');
  return `${name}:${/^[=@]/.test(escaped) ? '\\' : ''}${escaped}`;
}

export function toHttpie(request: OutgoingRequest, options: CodeOptions = {}): string {
  const parts = ['http'];
  if (options.followRedirects) parts.push('--follow');
  const body = request.body ? bodyBytes(request.body) : null;
  let input = '';
  if (body) {
    if (canQuoteForShell(body)) parts.push('--raw', quoteBytesForShell(body));
    else input = `printf ${printfBytes(body)} | `;
  }
  parts.push(quoteForShell(request.method), quoteForShell(absoluteUrl(request.url, options.origin)));
  for (const [name, value] of request.headers) parts.push(quoteForShell(headerItem(name, value)));
  if (body && !request.headers.some(([name]) => name.toLowerCase() === 'content-type')) parts.push(quoteForShell('Content-Type:'));
  return `${input}${parts.join(' ')}`;
}
