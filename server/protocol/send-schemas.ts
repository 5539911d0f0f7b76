// JSON Schemas (TypeBox) of the send endpoint: what the page posts to /app/send and the transcript it gets
// back. They validate the request, serialise the 200, check a transcript an instructor broadcasts
// (server/classroom/schemas.ts), and give both sides their types (server/protocol/api-types.ts): one
// source for every shape, so a field cannot be added on one side only.
import { Type } from 'typebox';
import { TCHAR_CLASS } from './http-syntax';
import { SEND_LIMITS } from './send-limits';
import { RequestTraceSchema } from './trace-types';

const closed = { additionalProperties: false } as const;

// ── The transcript: one learner request as it crossed the wire ──────────────────────────────────
/** A header as it crossed the wire: order, spelling and duplicates kept. */
export const WireHeaderSchema = Type.Tuple([Type.String({ maxLength: 1_024 }), Type.String({ maxLength: 65_536 })], {
  description: 'A header line as [name, value].',
});

/** A message body, as text when it is text and base64 when it is binary. */
export const BodyViewSchema = Type.Object({
  encoding: Type.Enum(['text', 'base64']),
  /** The body (decoded from any Content-Encoding), as text or base64; cut at the size limit. */
  data: Type.String(),
  /** Bytes on the wire (after Content-Encoding, before decoding). */
  wireSize: Type.Integer({ minimum: 0 }),
  /** Bytes after decoding Content-Encoding (equal to wireSize when not compressed). */
  decodedSize: Type.Integer({ minimum: 0 }),
  /** The Content-Encoding that was decoded (gzip, br, deflate), if any. */
  contentEncoding: Type.Optional(Type.String({ maxLength: 100 })),
  /** True when the body was longer than the transcript keeps. */
  truncated: Type.Boolean(),
});

const NullableBodyView = Type.Union([BodyViewSchema, Type.Null()]);

export const TranscriptRequestSchema = Type.Object({
  method: Type.String({ minLength: 1, maxLength: 32 }),
  /** Absolute URL requested. */
  url: Type.String({ minLength: 1, maxLength: 16_384 }),
  /** Request line and header block exactly as written to the socket, then the body (text form). */
  raw: Type.String(),
  headers: Type.Array(WireHeaderSchema, { maxItems: 500 }),
  body: NullableBodyView,
});

export const TranscriptResponseSchema = Type.Object({
  httpVersion: Type.String({ maxLength: 10 }),
  status: Type.Integer({ minimum: 100, maximum: 999 }),
  /** Reason phrase as the server sent it (may be empty). */
  reason: Type.String({ maxLength: 200 }),
  headers: Type.Array(WireHeaderSchema, { maxItems: 500 }),
  /** Trailer fields, when the server sent any. */
  trailers: Type.Array(WireHeaderSchema, { maxItems: 100 }),
  body: NullableBodyView,
  /** Status line and header block as received, then the body (text form). */
  raw: Type.String(),
});

const Ms = Type.Number({ minimum: 0 });
/** Milliseconds from the start of the exchange. Missing when the step did not happen (a reused connection). */
export const TimingsSchema = Type.Object({
  dnsMs: Type.Optional(Ms),
  connectMs: Type.Optional(Ms),
  requestSentMs: Type.Optional(Ms),
  firstByteMs: Type.Optional(Ms),
  completeMs: Ms,
});

/** One row of "typed vs sent" (server/send/typed-vs-sent.ts). */
export const HeaderComparisonSchema = Type.Object({
  /** As typed when the learner typed it, otherwise as sent. */
  name: Type.String(),
  typed: Type.Optional(Type.String()),
  sent: Type.Optional(Type.String()),
  kind: Type.Enum(['same', 'added-by-client', 'added-by-page', 'changed', 'dropped']),
  /** Why, in a sentence or two, when there is something to learn. */
  note: Type.Optional(Type.String()),
});

/** One request and its response (one hop when following redirects). */
export const ExchangeSchema = Type.Object({
  request: TranscriptRequestSchema,
  response: Type.Union([TranscriptResponseSchema, Type.Null()]),
  timings: TimingsSchema,
  /** Why there is no (complete) response (connection refused, reset, timeout…), in plain words. */
  error: Type.Optional(
    Type.Object({
      code: Type.String({ maxLength: 100 }),
      message: Type.String({ maxLength: 2_000 }),
      /** Bytes that arrived without forming a response (a malformed reply, a reset mid-head), as text. */
      received: Type.Optional(Type.String()),
    }),
  ),
  /** What went out differently from what was typed, or what a lesson would point out (a body on GET). */
  warnings: Type.Optional(Type.Array(Type.String())),
  /** Each header as typed next to the header as sent, and why they differ. */
  typedVsSent: Type.Optional(Type.Array(HeaderComparisonSchema)),
  /** What the toy API did with this request (the server X-ray), when the send asked for it. */
  trace: Type.Optional(RequestTraceSchema),
});

/** What the send endpoint returns: every hop, the last one being the final answer. */
export const TranscriptSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  startedAt: Type.String({ maxLength: 40 }),
  exchanges: Type.Array(ExchangeSchema, { minItems: 1 }),
});

// ── The send request: what the page asks the server to send ─────────────────────────────────────
export const SendRequestSchema = Type.Object(
  {
    method: Type.String({ pattern: `^[${TCHAR_CLASS}]{1,32}$`, description: 'Any HTTP method token, e.g. GET or PURGE.' }),
    url: Type.String({ minLength: 1, maxLength: 8_192, description: 'A path on this sandbox (/api/books) or an absolute URL.' }),
    headers: Type.Array(Type.Tuple([Type.String({ maxLength: 8_192 }), Type.String({ maxLength: 8_192 })]), {
      maxItems: 100,
      description: 'Request headers as [name, value] pairs, in the order they go on the wire; duplicates allowed.',
    }),
    body: Type.Optional(Type.Union([Type.Null(), Type.Object({ encoding: Type.Enum(['text', 'base64']), data: Type.String() }, closed)])),
    addedByPage: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 99 }), {
        maxItems: 100,
        description: 'Indexes into headers of those the page added for the learner (its cookie jar), shown as such in typed vs sent.',
      }),
    ),
    options: Type.Optional(
      Type.Object(
        {
          followRedirects: Type.Optional(Type.Boolean()),
          maxRedirects: Type.Optional(Type.Integer({ minimum: 0, maximum: SEND_LIMITS.maxRedirects })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: SEND_LIMITS.minTimeoutMs, maximum: SEND_LIMITS.maxTimeoutMs, description: 'Time for the whole send, every redirect hop included.' })),
          trace: Type.Optional(
            Type.Boolean({ description: "Show what the toy API did with the request: adds X-Sandbox-Trace: 1 (as added by the page) and puts each hop's server X-ray in its exchange." }),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);
