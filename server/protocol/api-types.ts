// Types shared by the server and the client. The client imports them with `import type`, so no server
// code reaches the browser bundle.
import type { Static } from 'typebox';
import type {
  BookInputSchema,
  BookSchema,
  CategorySchema,
  CommentSchema,
  ExportJobSchema,
  SandboxInfoSchema,
  UserSchema,
} from './toy-api-schemas';
import type { RequestTrace } from './trace-types';

export type Book = Static<typeof BookSchema>;
export type BookInput = Static<typeof BookInputSchema>;
export type BookStatus = Book['status'];
export type Category = Static<typeof CategorySchema>;
export type Comment = Static<typeof CommentSchema>;
export type User = Static<typeof UserSchema>;
export type ExportJob = Static<typeof ExportJobSchema>;
export type SandboxInfo = Static<typeof SandboxInfoSchema>;

/** One bad field or parameter in a problem's `errors` list. */
export interface FieldError {
  /** Name of the field or parameter, e.g. "year" or "per_page". */
  field: string;
  /** Where it was: "body", "query", "path" or "header". */
  location: string;
  /** What is wrong with it, in plain words. */
  message: string;
}

/** RFC 9457 problem details, as every error response carries. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

// ── The send endpoint's transcript: one learner request as it crossed the wire ──────────────────

/** A header as it crossed the wire: order, spelling and duplicates kept. */
export type WireHeader = [name: string, value: string];

/** A message body, as text when it is text and base64 when it is binary. */
export interface BodyView {
  encoding: 'text' | 'base64';
  /** The body (decoded from any Content-Encoding), as text or base64; cut at the size limit. */
  data: string;
  /** Bytes on the wire (after Content-Encoding, before decoding). */
  wireSize: number;
  /** Bytes after decoding Content-Encoding (equal to wireSize when not compressed). */
  decodedSize: number;
  /** The Content-Encoding that was decoded (gzip, br, deflate), if any. */
  contentEncoding?: string;
  /** True when the body was longer than the transcript keeps. */
  truncated: boolean;
}

export interface TranscriptRequest {
  method: string;
  /** Absolute URL requested. */
  url: string;
  /** Request line and header block exactly as written to the socket, then the body (text form). */
  raw: string;
  headers: WireHeader[];
  body: BodyView | null;
}

export interface TranscriptResponse {
  httpVersion: string;
  status: number;
  /** Reason phrase as the server sent it (may be empty). */
  reason: string;
  headers: WireHeader[];
  /** Trailer fields, when the server sent any. */
  trailers: WireHeader[];
  body: BodyView | null;
  /** Status line and header block as received, then the body (text form). */
  raw: string;
}

/** Milliseconds from the start of the exchange. Missing when the step did not happen (a reused connection). */
export interface Timings {
  dnsMs?: number;
  connectMs?: number;
  requestSentMs?: number;
  firstByteMs?: number;
  completeMs: number;
}

/** One request and its response (one hop when following redirects). */
export interface Exchange {
  request: TranscriptRequest;
  response: TranscriptResponse | null;
  timings: Timings;
  /** Why there is no (complete) response (connection refused, reset, timeout…), in plain words. */
  error?: {
    code: string;
    message: string;
    /** Bytes that arrived without forming a response (a malformed reply, a reset mid-head), as text. */
    received?: string;
  };
  /** What went out differently from what was typed, or what a lesson would point out (a body on GET). */
  warnings?: string[];
  /** Each header as typed next to the header as sent, and why they differ (server/send/typed-vs-sent.ts). */
  typedVsSent?: HeaderComparison[];
  /** What the toy API did with this request (the server X-ray), when the send asked for it. */
  trace?: RequestTrace;
}

/** One row of "typed vs sent". */
export interface HeaderComparison {
  /** As typed when the learner typed it, otherwise as sent. */
  name: string;
  typed?: string;
  sent?: string;
  kind: 'same' | 'added-by-client' | 'added-by-page' | 'changed' | 'dropped';
  /** Why, in a sentence or two, when there is something to learn. */
  note?: string;
}

/** What the send endpoint returns: every hop, the last one being the final answer. */
export interface Transcript {
  id: string;
  startedAt: string;
  exchanges: Exchange[];
}

// ── The reference dataset (lessons/reference/*.json, served under /app/reference) ────────────────

export interface StatusCodeEntry {
  code: number;
  reason: string;
  class: 'informational' | 'success' | 'redirection' | 'client-error' | 'server-error';
  rfc: string;
  meaning: string;
  /** What to do next when you get it. */
  next?: string;
  when: string;
  mistake: string;
  related: number[];
  /** False only for 418, the April Fools' teapot. */
  standard: boolean;
  unused?: boolean;
  /** A request to this sandbox that really gets this code. */
  readyRequest?: { method: string; url: string; headers?: [string, string][]; body?: string };
  /** Headers (or body rules) that must, should or may come with it, each citing its section. */
  accompany?: string[];
  /** Cacheable without explicit freshness (RFC 9110 §15.1). */
  cacheableByDefault?: boolean;
}

export interface HeaderEntry {
  name: string;
  direction: 'request' | 'response' | 'both';
  meaning: string;
  example: string;
  rfc: string;
  values?: string[];
}

export interface MethodEntry {
  name: string;
  meaning: string;
  safe: boolean;
  idempotent: boolean;
  cacheable: boolean;
  /** For methods cacheable only under conditions (POST, PATCH): which, with the citation. */
  cacheableWhen?: string;
  body: string;
  rfc: string;
}
