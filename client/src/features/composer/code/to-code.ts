// "Copy as": the request the sandbox would send, as a curl command, JavaScript fetch, HTTPie or
// Python requests. Each reproduces method, URL, headers in order and the body byte for byte.
import type { OutgoingRequest } from '../draft';
import { shellQuote } from './shell-words';

function absolute(url: string, origin: string): string {
  try {
    return new URL(url, origin).toString();
  } catch {
    return url;
  }
}

function has(request: OutgoingRequest, name: string): boolean {
  return request.headers.some(([n]) => n.toLowerCase() === name);
}

function decodeBody(request: OutgoingRequest): string | undefined {
  if (!request.body) return undefined;
  if (request.body.encoding === 'text') return request.body.data;
  return undefined;
}

export interface CurlOptions {
  origin: string;
  multiline?: boolean;
  followRedirects?: boolean;
}

export function toCurl(request: OutgoingRequest, options: CurlOptions): string {
  const parts: string[] = ['curl', '-i'];
  const method = request.method.toUpperCase();
  const body = request.body;
  if (method === 'HEAD') parts.push('--head');
  else if (!(method === 'GET' && !body) && !(method === 'POST' && body)) parts.push('-X', shellQuote(method));
  if (options.followRedirects) parts.push('-L');
  // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
  for (const [name, value] of request.headers) parts.push('-H', shellQuote(value === '' ? `${name};` : `${name}: ${value}`));
  let prefix = '';
  if (body) {
    // curl adds its own Content-Type to -d bodies; an empty "Content-Type:" keeps the request exactly as composed.
    if (!has(request, 'content-type')) parts.push('-H', shellQuote('Content-Type:'));
    if (body.encoding === 'text') {
      parts.push('--data-raw', shellQuote(body.data));
    } else {
      prefix = `printf %s ${shellQuote(body.data)} | base64 -d | `;
      parts.push('--data-binary', '@-');
    }
  }
  parts.push(shellQuote(absolute(request.url, options.origin)));
  const joined = options.multiline ? parts.join(' ').replace(/ (-[A-Za-z]|--[a-z-]+) /g, ' \\\n  $1 ') : parts.join(' ');
  return `${prefix}${joined}`;
}

export function toFetch(request: OutgoingRequest, origin: string): string {
  const lines = [`const response = await fetch(${JSON.stringify(absolute(request.url, origin))}, {`, `  method: ${JSON.stringify(request.method)},`];
  if (request.headers.length) {
    lines.push('  headers: [');
    for (const [name, value] of request.headers) lines.push(`    [${JSON.stringify(name)}, ${JSON.stringify(value)}],`);
    lines.push('  ],');
  }
  const text = decodeBody(request);
  if (text !== undefined) lines.push(`  body: ${JSON.stringify(text)},`);
  else if (request.body) lines.push(`  body: Uint8Array.from(atob(${JSON.stringify(request.body.data)}), (c) => c.charCodeAt(0)),`);
  lines.push("  redirect: 'manual',", '});', 'console.log(response.status, response.statusText);', 'console.log(await response.text());');
  const forbidden = request.headers.filter(([n]) => ['host', 'cookie', 'content-length', 'origin', 'connection', 'referer'].includes(n.toLowerCase()));
  if (forbidden.length) {
    lines.unshift(`// In a browser, fetch() silently refuses to set ${forbidden.map(([n]) => n).join(', ')}; Node.js sends them.`);
  }
  return lines.join('\n');
}

export function toHttpie(request: OutgoingRequest, origin: string): string {
  const parts = ['http', '--print=HhBb'];
  const text = decodeBody(request);
  if (text !== undefined) parts.push('--raw', shellQuote(text));
  parts.push(shellQuote(request.method.toUpperCase()), shellQuote(absolute(request.url, origin)));
  for (const [name, value] of request.headers) parts.push(shellQuote(`${name}:${value}`));
  const command = parts.join(' ');
  return request.body && text === undefined ? `printf %s ${shellQuote(request.body.data)} | base64 -d | ${command}` : command;
}

function pythonString(text: string): string {
  return JSON.stringify(text);
}

export function toPython(request: OutgoingRequest, origin: string): string {
  const lines = ['import requests', ''];
  const duplicates = new Set(request.headers.map(([n]) => n.toLowerCase())).size !== request.headers.length;
  if (duplicates) lines.push('# requests keeps one value per header name: repeated headers are joined with ", ".');
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    const existing = merged.get(key);
    merged.set(key, existing ? [existing[0], `${existing[1]}, ${value}`] : [name, value]);
  }
  lines.push('headers = {');
  for (const [name, value] of merged.values()) lines.push(`    ${pythonString(name)}: ${pythonString(value)},`);
  lines.push('}');
  const text = decodeBody(request);
  if (text !== undefined) lines.push(`data = ${pythonString(text)}.encode("utf-8")`);
  else if (request.body) lines.push('import base64', `data = base64.b64decode(${pythonString(request.body.data)})`);
  lines.push(
    '',
    `response = requests.request(${pythonString(request.method)}, ${pythonString(absolute(request.url, origin))}, headers=headers${request.body ? ', data=data' : ''}, allow_redirects=False)`,
    'print(response.status_code, response.reason)',
    'print(response.text)',
  );
  return lines.join('\n');
}
