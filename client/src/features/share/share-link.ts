// Share links: the whole draft request in the URL, so opening the link restores it exactly.
// The draft is written as compact JSON, compressed with deflate-raw (CompressionStream, in every
// current browser and in Node), and base64url-encoded into the fragment: #r=1.<data>. The fragment
// never reaches a server, so a shared request is not logged anywhere on the way.
import { redactDraft } from '../../../../server/protocol/redact';
import { emptyDraft, row, type AuthConfig, type BodyType, type Draft } from '../../lib/draft';

export const SHARE_PARAM = 'r';
const VERSION = '1';
/** Longest encoded link part we accept, so a pasted monster cannot hang the page. */
export const MAX_SHARE_LENGTH = 64_000;
const BODY_TYPES: readonly BodyType[] = ['none', 'json', 'form', 'multipart', 'text', 'xml', 'binary'];

export class ShareLinkError extends Error {}

type Pair = [string, string] | [string, string, 0];

/** Compact form: short keys, rows as pairs (a third element 0 marks a switched-off row). */
interface Packed {
  m: string;
  u: string;
  h?: Pair[];
  t?: BodyType;
  b?: string;
  f?: Pair[];
  p?: Pair[];
  a?: AuthConfig;
}

function pairs(rows: Draft['headers']): Pair[] {
  return rows.map((r) => (r.enabled ? [r.name, r.value] : [r.name, r.value, 0]));
}

function pack(draft: Draft): Packed {
  const packed: Packed = { m: draft.method, u: draft.url };
  if (draft.headers.length) packed.h = pairs(draft.headers);
  if (draft.bodyType !== 'none') packed.t = draft.bodyType;
  if (draft.body) packed.b = draft.body;
  if (draft.form.length) packed.f = pairs(draft.form);
  // Files are not shared (they can be large, and a binary body's file is left out too); part names and text values are.
  if (draft.multipart.length) packed.p = pairs(draft.multipart.map(({ file: _file, ...rest }) => rest));
  if (draft.auth.kind !== 'none') packed.a = draft.auth;
  return packed;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function unpackRows(value: unknown, what: string): Draft['headers'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ShareLinkError(`The link's ${what} are not a list.`);
  return value.map((item) => {
    if (!Array.isArray(item) || !isString(item[0]) || !isString(item[1])) throw new ShareLinkError(`The link has a broken entry in its ${what}.`);
    return { ...row(item[0], item[1]), enabled: item[2] !== 0 };
  });
}

function unpackAuth(value: unknown): AuthConfig {
  if (value === undefined) return { kind: 'none' };
  const a = value as Record<string, unknown>;
  if (a.kind === 'basic' && isString(a.username) && isString(a.password)) return { kind: 'basic', username: a.username, password: a.password };
  if (a.kind === 'bearer' && isString(a.token)) return { kind: 'bearer', token: a.token };
  throw new ShareLinkError('The link has an authentication setting this version does not know.');
}

function unpack(value: unknown): Draft {
  if (!value || typeof value !== 'object') throw new ShareLinkError('The link does not contain a request.');
  const p = value as Record<string, unknown>;
  if (!isString(p.m) || !isString(p.u)) throw new ShareLinkError('The link is missing the method or the URL.');
  const bodyType = (p.t ?? 'none') as BodyType;
  if (!BODY_TYPES.includes(bodyType)) throw new ShareLinkError(`The link names an unknown body type "${String(p.t)}".`);
  if (p.b !== undefined && !isString(p.b)) throw new ShareLinkError('The link has a body that is not text.');
  return {
    ...emptyDraft(),
    method: p.m,
    url: p.u,
    headers: unpackRows(p.h, 'headers'),
    bodyType,
    body: (p.b as string | undefined) ?? '',
    form: unpackRows(p.f, 'form fields'),
    multipart: unpackRows(p.p, 'multipart parts'),
    auth: unpackAuth(p.a),
  };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError('The link contains characters that cannot be in a share link; it may have been cut or changed.');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const output = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

/** The fragment value (without "#r=") for a draft. */
export async function encodeDraft(draft: Draft): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(pack(draft)));
  return `${VERSION}.${toBase64Url(await transform(json, new CompressionStream('deflate-raw')))}`;
}

/** The draft in a fragment value; throws ShareLinkError with a message for the learner when it is damaged. */
export async function decodeDraft(encoded: string): Promise<Draft> {
  if (encoded.length > MAX_SHARE_LENGTH) throw new ShareLinkError('The link is too long to be a share link.');
  const dot = encoded.indexOf('.');
  if (dot === -1 || encoded.slice(0, dot) !== VERSION) {
    throw new ShareLinkError('The link was made by a different version of HTTP Sandbox, or it was cut short.');
  }
  let json: string;
  try {
    const bytes = await transform(fromBase64Url(encoded.slice(dot + 1)), new DecompressionStream('deflate-raw'));
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof ShareLinkError) throw error;
    throw new ShareLinkError('The link is damaged: its data does not decompress. Ask for the link again, and copy all of it.');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ShareLinkError('The link is damaged: its data is not a request.');
  }
  return unpack(value);
}

/**
 * The draft as a link may carry it: a link travels to other people, and credentials stay with their owner
 * (the same rule as a pushed "try this", server/protocol/redact.ts), so whoever opens it fills in their own.
 */
export function withoutSecrets(draft: Draft): { draft: Draft; left: string[] } {
  return redactDraft(draft);
}

/** A full share URL for the draft on this origin, its credentials left out (see withoutSecrets). */
export async function shareUrl(draft: Draft, base: string): Promise<{ url: string; left: string[] }> {
  const url = new URL(base);
  const shared = withoutSecrets(draft);
  url.hash = `${SHARE_PARAM}=${await encodeDraft(shared.draft)}`;
  return { url: url.toString(), left: shared.left };
}

/** The encoded draft in a location hash such as "#r=1.abc", if any. */
export function sharedPart(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_PARAM) ?? undefined;
}
