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
import type {
  BodyViewSchema,
  ExchangeSchema,
  HeaderComparisonSchema,
  SendRequestSchema,
  TimingsSchema,
  TranscriptRequestSchema,
  TranscriptResponseSchema,
  TranscriptSchema,
  WireHeaderSchema,
} from './send-schemas';

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

// ── The send endpoint: the request the page posts and the transcript it gets back ──────────────
// The types are the schemas' (server/protocol/send-schemas.ts), so the two cannot drift apart.

export type SendRequest = Static<typeof SendRequestSchema>;
/** A header as it crossed the wire: order, spelling and duplicates kept. */
export type WireHeader = Static<typeof WireHeaderSchema>;
/** A message body, as text when it is text and base64 when it is binary. */
export type BodyView = Static<typeof BodyViewSchema>;
export type TranscriptRequest = Static<typeof TranscriptRequestSchema>;
export type TranscriptResponse = Static<typeof TranscriptResponseSchema>;
/** Milliseconds from the start of the exchange. Missing when the step did not happen (a reused connection). */
export type Timings = Static<typeof TimingsSchema>;
/** One request and its response (one hop when following redirects). */
export type Exchange = Static<typeof ExchangeSchema>;
/** One row of "typed vs sent". */
export type HeaderComparison = Static<typeof HeaderComparisonSchema>;
/** What the send endpoint returns: every hop, the last one being the final answer. */
export type Transcript = Static<typeof TranscriptSchema>;

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
