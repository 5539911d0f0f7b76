// JSON Schemas (TypeBox) of the classroom API's bodies and responses; a transcript, a header and a body are
// the send endpoint's (server/protocol/send-schemas.ts). The `Check` types at the end make the compiler
// confirm that the schemas and the types in ../protocol/classroom-types.ts describe the same shapes.
import { Type, type Static } from 'typebox';
import type { Goal } from '../protocol/lesson-goals';
import { BodyViewSchema, ExchangeSchema, TranscriptSchema, WireHeaderSchema } from '../protocol/send-schemas';
import {
  DISPLAY_NAME_MAX,
  FAULT_LATENCY_MAX_MS,
  FAULT_RETRY_AFTER_MAX_S,
  INBOX_RESPONSE_HEADERS_MAX,
  MESSAGE_MAX,
  ROOM_TITLE_MAX,
  TRANSCRIPT_EXCHANGES_MAX,
} from './limits';
import type { CapturedRequest, ExchangeSummary, FaultSettings, InboxResponse, LessonProgress, RosterEntry } from '../protocol/classroom-types';

const closed = { additionalProperties: false } as const;

// ── Transcript (what the send endpoint returns; the instructor broadcasts it) ─────────────────────
// The send endpoint's own schema, with the classroom's ceiling on how many hops one broadcast carries.
const BroadcastTranscriptSchema = Type.Object({
  ...TranscriptSchema.properties,
  exchanges: Type.Array(ExchangeSchema, { minItems: 1, maxItems: TRANSCRIPT_EXCHANGES_MAX }),
});

const NullableBodyView = Type.Union([BodyViewSchema, Type.Null()]);

// ── Rooms ───────────────────────────────────────────────────────────────────────────────────────
export const RoomCodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) });

export const CreateRoomBody = Type.Object(
  { title: Type.Optional(Type.String({ maxLength: ROOM_TITLE_MAX, description: 'Shown to students when they join.' })) },
  closed,
);

export const JoinBody = Type.Object(
  // The length is checked again after tidying (display-name.ts); this ceiling only bounds the work.
  {
    name: Type.String({ maxLength: DISPLAY_NAME_MAX * 4, description: 'Display name, 1 to 40 characters.' }),
    secret: Type.Optional(Type.String({ maxLength: 64, description: 'The join secret from the join link or QR code (#join=…), when the student has it.' })),
  },
  closed,
);

export const BroadcastBody = Type.Object(
  { transcript: BroadcastTranscriptSchema, note: Type.Optional(Type.String({ maxLength: MESSAGE_MAX })) },
  closed,
);

export const PushBody = Type.Object(
  {
    draft: Type.Object(
      { method: Type.String({ minLength: 1, maxLength: 32 }), url: Type.String({ minLength: 1, maxLength: 16_384 }) },
      { description: "The composer's draft request, passed to students' composers as it is." },
    ),
    message: Type.Optional(Type.String({ maxLength: MESSAGE_MAX })),
    studentId: Type.Optional(Type.String({ maxLength: 40 })),
    goal: Type.Optional(
      Type.Object(
        {
          goal: Type.Unsafe<Goal>({
            type: 'object',
            description: 'A goal in the lesson format (lessons/README.md), e.g. {"all": [{"status": 304}, {"requestHeader": {"name": "If-None-Match"}}]}.',
          }),
          description: Type.Optional(Type.String({ maxLength: MESSAGE_MAX, description: 'The goal in plain words; made from the goal when left out.' })),
        },
        { ...closed, description: "What counts as getting there: each student's page checks their requests and the roster shows who did." },
      ),
    ),
  },
  closed,
);

export const ExchangeSummarySchema = Type.Object(
  {
    method: Type.String({ minLength: 1, maxLength: 32 }),
    url: Type.String({ minLength: 1, maxLength: 2_048 }),
    status: Type.Union([Type.Integer({ minimum: 100, maximum: 999 }), Type.Null()]),
    durationMs: Type.Optional(Type.Number({ minimum: 0, maximum: 3_600_000 })),
    error: Type.Optional(Type.String({ maxLength: 500 })),
    at: Type.Optional(Type.String({ maxLength: 40 })),
  },
  closed,
);

export const LessonProgressSchema = Type.Object(
  {
    lessonId: Type.String({ minLength: 1, maxLength: 100 }),
    step: Type.Integer({ minimum: 0, maximum: 1_000 }),
    steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    completed: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const GoalReportBody = Type.Object(
  {
    goalId: Type.Integer({ minimum: 1, description: 'The id of the pushed goal (try-this event, goal.id).' }),
    reached: Type.Boolean(),
    attempt: ExchangeSummarySchema,
  },
  closed,
);

export const ProgressBody = Type.Object(
  {
    lastExchange: Type.Optional(ExchangeSummarySchema),
    progress: Type.Optional(LessonProgressSchema),
    goal: Type.Optional(GoalReportBody),
    shareData: Type.Optional(Type.Boolean({ description: "Let the instructor show this student's sandbox data (and stop, with false)." })),
  },
  closed,
);

export const FaultsBody = Type.Object(
  {
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: FAULT_LATENCY_MAX_MS, description: 'Added to every request, in ms.' })),
    status429: Type.Optional(Type.Boolean({ description: 'Answer 429 Too Many Requests with Retry-After.' })),
    status503: Type.Optional(Type.Boolean({ description: 'Answer 503 Service Unavailable with Retry-After.' })),
    drop: Type.Optional(Type.Boolean({ description: 'Close connections without answering.' })),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: FAULT_RETRY_AFTER_MAX_S })),
  },
  closed,
);

export const FaultSettingsSchema = Type.Object({
  latencyMs: Type.Integer(),
  status429: Type.Boolean(),
  status503: Type.Boolean(),
  drop: Type.Boolean(),
  retryAfterSeconds: Type.Integer(),
});

export const RoomLookupSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
});

export const RoomInfoSchema = Type.Object({
  ...RoomLookupSchema.properties,
  joinUrl: Type.String(),
  inboxUrl: Type.String(),
  createdAt: Type.String(),
  students: Type.Integer(),
});

export const InboxLinkSchema = Type.Object({
  id: Type.String(),
  key: Type.String(),
  url: Type.String(),
  viewUrl: Type.String(),
  requestsUrl: Type.String(),
  eventsUrl: Type.String(),
});

export const RoomCreatedSchema = Type.Object({
  ...RoomInfoSchema.properties,
  instructorKey: Type.String(),
  joinLink: Type.String(),
  eventsUrl: Type.String(),
  sandbox: Type.String(),
  inbox: InboxLinkSchema,
  faults: FaultSettingsSchema,
  limits: Type.Object({ students: Type.Integer(), idleMinutes: Type.Integer() }),
});

export const StudentJoinedSchema = Type.Object({
  studentId: Type.String(),
  studentKey: Type.String(),
  name: Type.String(),
  room: RoomInfoSchema,
  eventsUrl: Type.String(),
  sandbox: Type.String(),
  inbox: InboxLinkSchema,
});

export const RosterEntrySchema = Type.Object({
  studentId: Type.String(),
  name: Type.String(),
  joinedAt: Type.String(),
  connected: Type.Boolean(),
  connections: Type.Integer(),
  lastSeenAt: Type.String(),
  lastExchange: Type.Union([ExchangeSummarySchema, Type.Null()]),
  progress: Type.Union([LessonProgressSchema, Type.Null()]),
  goal: Type.Union([
    Type.Object({ goalId: Type.Integer(), state: Type.Enum(['reached', 'not-yet']), attempt: ExchangeSummarySchema, at: Type.String() }),
    Type.Null(),
  ]),
  sharedSandbox: Type.Union([Type.String(), Type.Null()]),
});

export const RosterSchema = Type.Object({ code: Type.String(), students: Type.Array(RosterEntrySchema) });

export const PublishedSchema = Type.Object({
  eventId: Type.String({ description: 'Id of the event on the room stream.' }),
  /** Open streams of the room when it was published. */
  streams: Type.Integer(),
});

export const FaultsChangedSchema = Type.Object({ faults: FaultSettingsSchema, changed: Type.Array(Type.String()) });

// ── Inboxes ─────────────────────────────────────────────────────────────────────────────────────
export const InboxIdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

export const InboxResponseBody = Type.Object(
  {
    status: Type.Integer({ minimum: 200, maximum: 599, description: 'Status code, 200 to 599.' }),
    headers: Type.Optional(Type.Array(WireHeaderSchema, { maxItems: INBOX_RESPONSE_HEADERS_MAX })),
    body: Type.Optional(Type.String()),
    bodyEncoding: Type.Optional(Type.Enum(['text', 'base64'])),
  },
  closed,
);

export const InboxResponseSchema = Type.Object({
  status: Type.Integer(),
  headers: Type.Array(WireHeaderSchema),
  body: Type.String(),
  bodyEncoding: Type.Enum(['text', 'base64']),
});

export const InboxSummarySchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  viewUrl: Type.String(),
  room: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Enum(['room', 'student', 'own']),
  createdAt: Type.String(),
  lastActivityAt: Type.String(),
  captured: Type.Integer(),
  response: InboxResponseSchema,
  limits: Type.Object({
    history: Type.Integer(),
    bodyBytes: Type.Integer(),
    capturesPerMinute: Type.Integer(),
    idleMinutes: Type.Integer(),
  }),
});

export const InboxCreatedSchema = Type.Object({ ...InboxLinkSchema.properties, inbox: InboxSummarySchema });

export const CapturedRequestSchema = Type.Object({
  seq: Type.Integer(),
  inboxId: Type.String(),
  receivedAt: Type.String(),
  method: Type.String(),
  target: Type.String(),
  path: Type.String(),
  query: Type.String(),
  httpVersion: Type.String(),
  headers: Type.Array(WireHeaderSchema),
  body: NullableBodyView,
  raw: Type.String(),
  remoteAddress: Type.String(),
  remotePort: Type.Integer(),
});

export const InboxRequestsSchema = Type.Object({ requests: Type.Array(CapturedRequestSchema), lastEventId: Type.String() });

// ── Compile-time checks: schema and protocol type must agree in both directions ──────────────────
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemaChecks = [
  Assert<Same<Static<typeof FaultSettingsSchema>, FaultSettings>>,
  Assert<Static<typeof ExchangeSummarySchema> extends ExchangeSummary ? true : false>,
  Assert<Static<typeof LessonProgressSchema> extends LessonProgress ? true : false>,
  Assert<RosterEntry extends Static<typeof RosterEntrySchema> ? true : false>,
  Assert<InboxResponse extends Static<typeof InboxResponseSchema> ? true : false>,
  Assert<CapturedRequest extends Static<typeof CapturedRequestSchema> ? true : false>,
];
