// The server X-ray: what the toy API did with one request, step by step. The schemas are the source of
// the types; the client imports the types with `import type` (no TypeBox reaches the browser).
import { Type, type Static } from 'typebox';

/** Where in the server a step happened, in the order a request meets them. */
export const TRACE_STAGES = [
  'routing',
  'sandbox',
  'faults',
  'rate-limit',
  'csrf',
  'authentication',
  'validation',
  'authorization',
  'negotiation',
  'conditional',
  'store',
  'cache',
  'job',
  'serialization',
] as const;

const TraceValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const TraceStepSchema = Type.Object({
  stage: Type.Enum([...TRACE_STAGES]),
  title: Type.String({ description: 'What happened, in plain words: "Matched the route GET /api/books/:id".' }),
  outcome: Type.Enum(['pass', 'refused', 'info'], { description: 'pass: it let the request on; refused: it ended the request with an error.' }),
  why: Type.Optional(Type.String({ description: "Why: the refusal's detail, or a longer note." })),
  facts: Type.Optional(Type.Record(Type.String(), TraceValueSchema, { description: 'The facts it used; never a secret.' })),
  changes: Type.Optional(
    Type.Array(Type.Object({ field: Type.String(), before: TraceValueSchema, after: TraceValueSchema }), { description: 'A store write: each changed field (passwords never).' }),
  ),
  atMs: Type.Number({ description: 'Milliseconds from the start of the request to the step.' }),
  durationMs: Type.Number(),
  learn: Type.Optional(Type.Object({ kind: Type.Enum(['status', 'header', 'lesson']), id: Type.String() }, { description: 'What to read to understand it.' })),
});

export const RequestTraceSchema = Type.Object({
  id: Type.String(),
  method: Type.String(),
  url: Type.String({ description: 'Path and query as requested.' }),
  route: Type.Union([Type.String(), Type.Null()], { description: 'The route pattern that matched, or null.' }),
  status: Type.Integer(),
  totalMs: Type.Number(),
  steps: Type.Array(TraceStepSchema),
  truncated: Type.Boolean({ description: 'True when more steps happened than a trace keeps.' }),
});

export type TraceStage = (typeof TRACE_STAGES)[number];
export type TraceValue = Static<typeof TraceValueSchema>;
export type TraceStep = Static<typeof TraceStepSchema>;
export type RequestTrace = Static<typeof RequestTraceSchema>;
