// The request a learner composes, and the pure functions that turn it into what is sent.
// No React here: these are unit-tested on their own.

export type BodyType = 'none' | 'json' | 'form' | 'multipart' | 'text' | 'xml' | 'binary';

export interface KeyValueRow {
  id: string;
  name: string;
  value: string;
  enabled: boolean;
}

export interface AttachedFile {
  name: string;
  type: string;
  /** File contents, base64. */
  data: string;
}

/** A multipart field: a text value, or a file when `file` is set. */
export interface MultipartRow extends KeyValueRow {
  file?: AttachedFile;
}

export type AuthConfig =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  /** Rely on the session cookie the jar keeps from logging in (a typed cookie value is sent as is). */
  | { kind: 'session'; cookie: string };

export interface Draft {
  method: string;
  /** Absolute URL, or a path on this server such as /api/books?page=2. */
  url: string;
  headers: KeyValueRow[];
  bodyType: BodyType;
  /** Body text for json, text and xml. */
  body: string;
  /** Fields for form (application/x-www-form-urlencoded). */
  form: KeyValueRow[];
  /** Parts for multipart/form-data. */
  multipart: MultipartRow[];
  /** For binary: the bytes sent as the whole body (a file, or bytes an imported command sent). */
  file?: AttachedFile;
  auth: AuthConfig;
}

/** What the send endpoint takes: the request exactly as it should go out. */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: { encoding: 'text' | 'base64'; data: string } | null;
}

export const CONTENT_TYPE_OF_BODY: Record<Exclude<BodyType, 'none' | 'multipart'>, string> = {
  binary: 'application/octet-stream',
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  text: 'text/plain; charset=utf-8',
  xml: 'application/xml',
};

let counter = 0;
/** A row id unique within this page (React keys). */
export function rowId(): string {
  counter += 1;
  return `r${counter.toString(36)}`;
}

export function row(name = '', value = '', enabled = true): KeyValueRow {
  return { id: rowId(), name, value, enabled };
}

export function emptyDraft(): Draft {
  return {
    method: 'GET',
    url: '/api/books',
    headers: [row('Accept', 'application/json')],
    bodyType: 'none',
    body: '',
    form: [],
    multipart: [],
    auth: { kind: 'none' },
  };
}

function splitUrl(url: string): { base: string; query: string; hash: string } {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const rest = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  return queryAt === -1 ? { base: rest, query: '', hash } : { base: rest.slice(0, queryAt), query: rest.slice(queryAt + 1), hash };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** The query parameters of a URL as rows (decoded), in order, duplicates kept. */
export function queryRowsOf(url: string): { name: string; value: string }[] {
  const { query } = splitUrl(url);
  if (query === '') return [];
  return query.split('&').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=');
    return at === -1 ? { name: decode(pair), value: '' } : { name: decode(pair.slice(0, at)), value: decode(pair.slice(at + 1)) };
  });
}

/** The URL with its query string rebuilt from rows (empty names dropped). */
export function withQueryRows(url: string, rows: readonly { name: string; value: string }[]): string {
  const { base, hash } = splitUrl(url);
  const query = rows
    .filter((r) => r.name !== '')
    .map((r) => `${encodeURIComponent(r.name)}=${encodeURIComponent(r.value)}`)
    .join('&');
  return `${base}${query ? `?${query}` : ''}${hash}`;
}

function utf8ToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

function hasHeader(headers: readonly [string, string][], name: string): boolean {
  return headers.some(([n]) => n.toLowerCase() === name.toLowerCase());
}

/** A multipart boundary that cannot occur in the parts (checked by the caller). */
export function multipartBoundary(seed = Math.random()): string {
  return `----HttpSandbox${Math.floor(seed * 1e16).toString(36)}`;
}

function base64ToBytes(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** multipart/form-data (RFC 7578): text parts as UTF-8, file parts byte for byte. */
export function multipartBytes(parts: readonly MultipartRow[], boundary: string): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    if (!part.enabled || part.name === '') continue;
    const name = part.name.replaceAll('"', '%22');
    if (part.file) {
      const filename = part.file.name.replaceAll('"', '%22');
      chunks.push(
        encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${part.file.type || 'application/octet-stream'}\r\n\r\n`,
        ),
        base64ToBytes(part.file.data),
        encoder.encode('\r\n'),
      );
    } else {
      chunks.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Turns a draft into the request to send: enabled headers in the learner's order, then the auth header and
 * the body's Content-Type — each only when the learner has not set that header already (their choice wins,
 * even a wrong one: that is how they learn what the server does with it).
 */
export function buildOutgoing(draft: Draft, boundary = multipartBoundary()): OutgoingRequest {
  const headers: [string, string][] = draft.headers
    .filter((h) => h.enabled && h.name.trim() !== '')
    .map((h) => [h.name.trim(), h.value]);

  const auth = draft.auth;
  if (auth.kind === 'basic' && !hasHeader(headers, 'authorization')) {
    headers.push(['Authorization', `Basic ${utf8ToBase64(`${auth.username}:${auth.password}`)}`]);
  } else if (auth.kind === 'bearer' && !hasHeader(headers, 'authorization')) {
    headers.push(['Authorization', `Bearer ${auth.token}`]);
  } else if (auth.kind === 'session' && auth.cookie && !hasHeader(headers, 'cookie')) {
    headers.push(['Cookie', auth.cookie]);
  }

  let body: OutgoingRequest['body'] = null;
  switch (draft.bodyType) {
    case 'none':
      break;
    case 'json':
    case 'text':
    case 'xml':
      body = { encoding: 'text', data: draft.body };
      break;
    case 'form': {
      const data = draft.form
        .filter((f) => f.enabled && f.name !== '')
        .map((f) => `${encodeURIComponent(f.name)}=${encodeURIComponent(f.value)}`.replaceAll('%20', '+'))
        .join('&');
      body = { encoding: 'text', data };
      break;
    }
    case 'binary':
      if (draft.file) body = { encoding: 'base64', data: draft.file.data };
      break;
    case 'multipart':
      // The boundary is chosen here, so only we can write this header (unless the learner insists).
      if (!hasHeader(headers, 'content-type')) headers.push(['Content-Type', `multipart/form-data; boundary=${boundary}`]);
      body = { encoding: 'base64', data: bytesToBase64(multipartBytes(draft.multipart, boundary)) };
      break;
  }
  return { method: draft.method, url: draft.url, headers, body };
}

/**
 * The Content-Type header the body type implies; the composer offers to add it (it does not add it
 * silently, so a learner can see what happens without one).
 */
export function impliedContentType(draft: Draft, boundary?: string): string | undefined {
  if (draft.bodyType === 'none') return undefined;
  if (draft.bodyType === 'multipart') return `multipart/form-data; boundary=${boundary ?? '<boundary>'}`;
  if (draft.bodyType === 'binary' && draft.file?.type) return draft.file.type;
  return CONTENT_TYPE_OF_BODY[draft.bodyType];
}

export interface DraftWarning {
  /** Which part of the composer the warning is about. */
  target: 'method' | 'url' | 'headers' | 'body' | 'content-type';
  message: string;
}

/** Mistakes a lesson would point out. Warnings only: the learner may send anyway. */
export function draftWarnings(draft: Draft): DraftWarning[] {
  const warnings: DraftWarning[] = [];
  const method = draft.method.toUpperCase();
  const hasBody =
    draft.bodyType === 'binary' ? Boolean(draft.file) : draft.bodyType !== 'none' && (draft.body !== '' || draft.form.length > 0 || draft.multipart.length > 0);
  const contentType = draft.headers.find((h) => h.enabled && h.name.trim().toLowerCase() === 'content-type');
  if (hasBody && (method === 'GET' || method === 'HEAD')) {
    warnings.push({
      target: 'body',
      message: `A ${method} request with a body: HTTP gives it no meaning (RFC 9110 §9.3.1) and many servers ignore or refuse it. Did you mean POST?`,
    });
  }
  if (hasBody && !contentType) {
    warnings.push({
      target: 'content-type',
      message: `There is a body but no Content-Type header, so the server has to guess what it is.${impliedContentType(draft) ? ` Add Content-Type: ${impliedContentType(draft)}.` : ''}`,
    });
  }
  if (draft.bodyType === 'json' && draft.body.trim() !== '') {
    try {
      JSON.parse(draft.body);
    } catch (error) {
      warnings.push({ target: 'body', message: `The body is not valid JSON: ${(error as Error).message}.` });
    }
  }
  if (contentType && draft.bodyType === 'json' && !/json/i.test(contentType.value)) {
    warnings.push({ target: 'content-type', message: `The body is JSON, but Content-Type says ${contentType.value}.` });
  }
  return warnings;
}
