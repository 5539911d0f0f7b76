// Pure helpers behind the httpbin-style echo: the JSON shapes httpbin returns (args, headers, form,
// files, json…) and the request reconstructed as it arrived.
import { isUtf8 } from 'node:buffer';
import { Busboy, type BusboyInstance } from '@fastify/busboy';

/** "content-type" → "Content-Type", as httpbin (Werkzeug) shows header names. */
export function titleCase(name: string): string {
  return name
    .split('-')
    .map((part) => (part ? part[0]!.toUpperCase() + part.slice(1).toLowerCase() : part))
    .join('-');
}

/** Header names title-cased before: the same few come with nearly every request (bounded). */
const TITLE_CASED = new Map<string, string>();
const TITLE_CASED_MAX = 1_000;

function titleCased(name: string): string {
  let titled = TITLE_CASED.get(name);
  if (titled === undefined) {
    titled = titleCase(name);
    if (TITLE_CASED.size < TITLE_CASED_MAX) TITLE_CASED.set(name, titled);
  }
  return titled;
}

/** httpbin's `headers`: names title-cased, sorted, repeated headers joined with "," in the order they came.
 *  (Built without a Map and its entry arrays: it runs on every echo.) */
export function headersObject(rawHeaders: readonly string[]): Record<string, string> {
  const names: string[] = [];
  const order: number[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    names.push(titleCased(rawHeaders[i]!));
    order.push(i >> 1);
  }
  // A stable sort: a repeated header's lines stay in their order.
  if (order.length > 1) order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const result: Record<string, string> = {};
  let name: string | undefined;
  let joined = '';
  for (const at of order) {
    const value = rawHeaders[2 * at + 1]!;
    if (names[at] === name) {
      joined = `${joined},${value}`;
      continue;
    }
    if (name !== undefined) setField(result, name, joined);
    name = names[at];
    joined = value;
  }
  if (name !== undefined) setField(result, name, joined);
  return result;
}

/** result[name] = value, also for a name of __proto__ (which assignment would take as the prototype). */
function setField<T>(result: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
  else result[name] = value;
}

/** Adds a value under `name` as httpbin shows it: the value, or a list once the name repeats. */
function addValue(result: Record<string, string | string[]>, name: string, value: string): void {
  const existing = Object.hasOwn(result, name) ? result[name] : undefined;
  if (existing === undefined) setField(result, name, value);
  else if (Array.isArray(existing)) existing.push(value);
  else setField(result, name, [existing, value]);
}

/** httpbin's `args` (and urlencoded `form`): a value, or a list when the name repeats. */
export function multiDict(params: Iterable<[string, string]>): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of params) addValue(result, name, value);
  return result;
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Reads a multipart/form-data body (RFC 7578) with busboy, which handles what hand-written splitting did not:
 * escaped quotes in a filename (curl sends `filename="a\\"b"`), `filename*=` (RFC 5987), unquoted names, a
 * quoted boundary. Resolves with the parts in the order they came, or undefined when the Content-Type names no
 * boundary; a malformed body keeps the parts read before the fault (never fatal: the echo still answers).
 */
export function readMultipart(body: Buffer, contentType: string): Promise<MultipartPart[] | undefined> {
  return new Promise((resolve) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, preservePath: true, defCharset: 'utf8' });
    } catch {
      resolve(undefined);
      return;
    }
    const parts: MultipartPart[] = [];
    parser.on('field', (name, value) => parts.push({ name, data: Buffer.from(value, 'utf8') }));
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      const part: MultipartPart = { name, filename, contentType: mimeType, data: Buffer.alloc(0) };
      parts.push(part);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (part.data = Buffer.concat(chunks)));
    });
    parser.on('finish', () => resolve(parts));
    parser.on('error', () => resolve(parts));
    parser.end(body);
  });
}

function isUtf8Text(bytes: Buffer): boolean {
  return isUtf8(bytes) && !bytes.includes(0);
}

/** The body as text, or null when it is not UTF-8 text (binary, or with a NUL byte). The echo decodes a body
 *  once with this and hands the text to bodyFields and reconstructRaw (it shows it as data, parses it as JSON
 *  and puts it in raw). */
export function bodyText(body: Buffer): string | null {
  return isUtf8Text(body) ? body.toString('utf8') : null;
}

export interface BodyFields {
  data: string;
  form: Record<string, string | string[]>;
  files: Record<string, string | string[]>;
  json: unknown;
}

/** httpbin's data, form, files and json for a body of the given Content-Type (`parts`: its multipart parts, read by
 *  readMultipart; `decoded`: the body as bodyText gives it, when the caller has it already). */
export function bodyFields(contentType: string | undefined, body: Buffer, parts?: readonly MultipartPart[], decoded?: string | null): BodyFields {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const fields: BodyFields = { data: '', form: {}, files: {}, json: null };
  if (type === 'application/x-www-form-urlencoded') {
    fields.form = multiDict(new URLSearchParams(body.toString('utf8')));
    return fields;
  }
  if (type === 'multipart/form-data' && parts) {
    for (const part of parts) {
      const target = part.filename !== undefined ? fields.files : fields.form;
      const value = part.filename !== undefined && !isUtf8Text(part.data)
        ? `data:${part.contentType ?? 'application/octet-stream'};base64,${part.data.toString('base64')}`
        : part.data.toString('utf8');
      addValue(target, part.name, value);
    }
    return fields;
  }
  if (body.length === 0) return fields;
  // Text as text; anything else as a base64 data URL, as httpbin does.
  const text = decoded === undefined ? bodyText(body) : decoded;
  fields.data = text ?? `data:application/octet-stream;base64,${body.toString('base64')}`;
  try {
    // JSON nested deeper than anyone writes by hand is shown as data only: echoing it back as JSON would
    // take more stack than the server has.
    fields.json = text === null || nestsDeeperThan(text, MAX_JSON_DEPTH) ? null : JSON.parse(text);
  } catch {
    fields.json = null;
  }
  return fields;
}

/** Deepest nesting of JSON the echo parses back into `json` (the body still comes back as `data`). */
export const MAX_JSON_DEPTH = 512;

/** Whether arrays and objects in a JSON text nest deeper than `limit`: a text with fewer opening brackets
 *  than that cannot, and is not scanned (most bodies: a search for two characters, not a walk of every one). */
function nestsDeeperThan(text: string, limit: number): boolean {
  let opening = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1 && opening <= limit; at = text.indexOf(bracket, at + 1)) opening += 1;
  }
  return opening > limit && jsonDepth(text) > limit;
}

/** How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return deepest;
}

export interface RawRequest {
  method: string;
  url: string;
  httpVersion: string;
  rawHeaders: readonly string[];
  body: Buffer;
  /** The body as bodyText gives it, when the caller has it already. */
  text?: string | null;
}

/**
 * The request as it arrived: request line, header lines in received order, case and number, an empty
 * line, then the body (text, or a note for binary). Reconstructed from what Node's parser kept: the
 * spacing around ":" and any folded lines are normalised; a chunked body is shown de-chunked.
 */
export function reconstructRaw(request: RawRequest): string {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  if (request.body.length === 0) return head;
  const text = request.text === undefined ? bodyText(request.body) : request.text;
  return text !== null ? head + text : `${head}[${request.body.length} bytes of binary data, base64: ${request.body.toString('base64')}]`;
}
