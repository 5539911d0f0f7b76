// Types of the classroom API (rooms, inboxes, their event streams), shared with the client through
// `import type`, like server/protocol/api-types.ts. Every route file's header comment says which route sends which.
import type { Goal } from './lesson-goals';
import type { BodyView, Transcript, WireHeader } from './api-types';

// ── Inboxes ─────────────────────────────────────────────────────────────────────────────────────

/** A request an inbox received, as it arrived. */
export interface CapturedRequest {
  /** Number of the capture in its inbox: 1, 2, 3… */
  seq: number;
  inboxId: string;
  /** When the request arrived (ISO 8601). */
  receivedAt: string;
  method: string;
  /** The request target exactly as sent, e.g. /inbox/abc/hooks/github?x=1. */
  target: string;
  /** The part of the path below the inbox, e.g. /hooks/github ("/" for the inbox itself). */
  path: string;
  /** The query string without "?", as sent ("" when there was none). */
  query: string;
  /** "1.1" or "1.0". */
  httpVersion: string;
  /** Header lines in the order, spelling and number they arrived, duplicates included. */
  headers: WireHeader[];
  body: BodyView | null;
  /** Request line, header block and body (text, or a note when binary), as they would read on the wire. */
  raw: string;
  remoteAddress: string;
  remotePort: number;
}

/** The response an inbox answers every request with. */
export interface InboxResponse {
  status: number;
  /** Header lines, in order; Content-Length is always computed by the server. */
  headers: WireHeader[];
  body: string;
  /** How `body` is written: text (sent as UTF-8) or base64 (bytes). */
  bodyEncoding: 'text' | 'base64';
}

/** Where an inbox lives, and the key that reads it (only ever given to its owner). */
export interface InboxLink {
  id: string;
  key: string;
  /** Where to send requests: /inbox/<id>/ (any method, any path below it). */
  url: string;
  /** The browser page that shows the inbox: /inbox-view/<id>. */
  viewUrl: string;
  /** GET (with the key): captured requests so far. */
  requestsUrl: string;
  /** GET (with the key): Server-Sent Events of new captures. */
  eventsUrl: string;
}

export interface InboxSummary {
  id: string;
  url: string;
  viewUrl: string;
  /** Code of the room this inbox belongs to (the room's inbox, or a student's inbox in it). */
  room: string | null;
  /** "room" for a room's shared inbox, "student" for a student's, "own" for one made with POST /app/inboxes. */
  kind: 'room' | 'student' | 'own';
  createdAt: string;
  lastActivityAt: string;
  /** Requests captured since the inbox was made (the oldest may have been dropped from `requests`). */
  captured: number;
  response: InboxResponse;
  limits: { history: number; bodyBytes: number; capturesPerMinute: number; idleMinutes: number };
}

export interface InboxRequests {
  requests: CapturedRequest[];
  /** Pass as ?lastEventId= when opening the event stream, to get every later capture exactly once. */
  lastEventId: string;
}

/** Events on GET /app/inboxes/:id/events, by SSE event name. */
export interface InboxEvents {
  /** First event of a fresh connection, and after a reconnect whose missed events were no longer kept. */
  state: { inbox: InboxSummary; missed: boolean };
  capture: { request: CapturedRequest };
  'response-changed': { response: InboxResponse };
  'inbox-cleared': Record<string, never>;
  /** The inbox was deleted or expired: the stream ends, and reconnecting gives 404. */
  'inbox-closed': { reason: 'deleted' | 'expired' | 'room-closed' };
}

// ── Rooms ───────────────────────────────────────────────────────────────────────────────────────

export interface FaultSettings {
  /** Added to every request of the room's sandboxes, 0 to 10000 ms. */
  latencyMs: number;
  /** Answer 429 Too Many Requests with Retry-After. */
  status429: boolean;
  /** Answer 503 Service Unavailable with Retry-After. */
  status503: boolean;
  /** Close the connection without answering. */
  drop: boolean;
  /** Seconds in the Retry-After header of the 429 and 503 answers, 1 to 300. */
  retryAfterSeconds: number;
}

/** What the room code alone tells (GET /app/rooms/<CODE>): enough for a join page, nothing to act on. */
export interface RoomLookup {
  code: string;
  title: string;
}

/** What the room's members see of it (the instructor and every student who joined). */
export interface RoomInfo extends RoomLookup {
  /** The page students open: /room/<CODE>, where they type their name. */
  joinUrl: string;
  /** The room's shared inbox, where anyone in class may send requests. */
  inboxUrl: string;
  createdAt: string;
  students: number;
}

export interface RoomCreated extends RoomInfo {
  /** The instructor's secret: keep it out of the projector. */
  instructorKey: string;
  /** The join page with the room's join secret (/room/<CODE>#join=<secret>), for the QR code and links
   *  the instructor shares: joining with it is never slowed by wrong-code limits. The code alone works too. */
  joinLink: string;
  eventsUrl: string;
  /** Sandbox the instructor's requests use (X-Sandbox); the room's fault switches act on it. */
  sandbox: string;
  /** The room's inbox with its key (captures are also broadcast to the room as `capture` events). */
  inbox: InboxLink;
  faults: FaultSettings;
  limits: { students: number; idleMinutes: number };
}

export interface StudentJoined {
  studentId: string;
  /** The student's secret for this room: reading the room's events and sharing progress. */
  studentKey: string;
  name: string;
  room: RoomInfo;
  eventsUrl: string;
  /** The student's own sandbox in this room (X-Sandbox); the room's fault switches act on it too. */
  sandbox: string;
  /** The student's own inbox with its key; its captures also reach the student's room stream. */
  inbox: InboxLink;
}

/** A short account of one exchange, as a student shares it. */
export interface ExchangeSummary {
  method: string;
  url: string;
  /** Final status, or null when there was no response (connection refused…). */
  status: number | null;
  durationMs?: number;
  error?: string;
  at?: string;
}

export interface LessonProgress {
  lessonId: string;
  /** Step reached (1-based). */
  step: number;
  steps?: number;
  completed?: boolean;
}

export interface RosterEntry {
  studentId: string;
  name: string;
  joinedAt: string;
  /** True while the student has the room's event stream open. */
  connected: boolean;
  /** Open streams (tabs) of this student. */
  connections: number;
  lastSeenAt: string;
  lastExchange: ExchangeSummary | null;
  progress: LessonProgress | null;
  /** How the student stands with the instructor's latest pushed goal (reported whether or not they share
   *  their exchanges); null until they send a request after it was pushed. */
  goal: GoalReport | null;
  /** The student's sandbox, present only while they let the instructor show their data. */
  sharedSandbox: string | null;
}

/** A goal pushed with a "try this" (the lesson goal format), numbered in its room. */
export interface PushedGoal {
  /** 1, 2, 3… in the room: a report names the goal it is about. */
  id: number;
  goal: Goal;
  /** The goal in plain words (from the lesson step it came from, or describeGoal). */
  description: string;
}

/** A student's standing with one pushed goal. */
export interface GoalReport {
  goalId: number;
  /** reached: some request met the goal; not-yet: requests were sent, none met it. */
  state: 'reached' | 'not-yet';
  /** The request that reached it, or the latest that did not: method, path with query, status. */
  attempt: ExchangeSummary;
  at: string;
}

export interface Roster {
  code: string;
  students: RosterEntry[];
}

export interface Broadcast {
  /** The exchange with the instructor's secrets masked by the server (server/protocol/redact.ts). */
  transcript: Transcript;
  note?: string;
  /** What the server hid, in plain words ("Cookie: the instructor's session"); empty when nothing. */
  hidden: string[];
  /** Number of the broadcast in its room: 1, 2, 3… */
  seq: number;
  /** Event id of this broadcast on the room stream: the SSE `id:` of its `broadcast` event (the live
   *  payload leaves it out; a client takes it from the event), set in the `state` event's list. */
  eventId?: string;
}

/** A request the instructor wants students to try: the client's composer draft, passed through as is. */
export interface TryThis {
  draft: { method: string; url: string; [field: string]: unknown };
  message: string;
  /** What counts as getting there; students' pages check their own exchanges against it and report. */
  goal?: PushedGoal;
  /** Set when pushed to one student only. */
  studentId?: string;
}

/** Events on GET /app/rooms/:code/events, by SSE event name. Who receives each is noted. */
export interface RoomEvents {
  /** Everyone, first event of a fresh connection and after a reconnect that missed too much. */
  state: {
    room: RoomInfo;
    faults: FaultSettings;
    you: { role: 'instructor' } | { role: 'student'; studentId: string; name: string };
    /** The recent broadcasts, oldest first, each with its eventId: a late joiner or a reloaded page sees
     *  what the class saw. Live `broadcast` events continue the list. */
    broadcasts: Broadcast[];
    /** The recent captures of the room's inbox, oldest first, with senders' credentials masked. */
    captures: CapturedRequest[];
    /** The goal of the latest push that had one. */
    goal: PushedGoal | null;
    /** Instructor only. */
    roster?: RosterEntry[];
    missed: boolean;
  };
  /** Everyone. */
  broadcast: Broadcast;
  /** Everyone, or the one student it names. */
  'try-this': TryThis;
  /** Everyone, on every change of a switch. */
  faults: { faults: FaultSettings; changed: (keyof FaultSettings)[] };
  /** Everyone for the room's inbox (body cut to a preview); the owner only for a student's inbox. */
  capture: { inboxId: string; scope: 'room' | 'you'; request: CapturedRequest };
  /** Instructor. */
  'student-joined': { student: RosterEntry };
  /** Instructor: a student's stream opened or closed. */
  presence: { studentId: string; connected: boolean; connections: number };
  /** Instructor: a student shared progress. */
  progress: { student: RosterEntry };
  /** Everyone: the room closed; the stream ends and the room's URLs answer 404 from now on. */
  'room-closed': { reason: 'closed' | 'expired' };
}
