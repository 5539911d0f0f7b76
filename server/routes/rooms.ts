/**
 * Classroom rooms under /app/rooms. Keys travel as `Authorization: Bearer <key>` or `?key=<key>`
 * (EventSource cannot set headers). Without a key: 401 key-required; a wrong key: 403 wrong-key; a
 * student key on an instructor action: 403 instructor-only; an unknown code: 404. Codes are 8 letters
 * (KXMP-QRTW), typed in any case, with or without the dash or spaces.
 *
 * Guessing codes is slow: every code that names no room spends one of the address's
 * ROOM_CODE_FAILURES_PER_MINUTE; with none left, every code from that address (a right one too, so the
 * answer tells nothing) gets 429 until the budget refills. A join link or QR code carries the room's join
 * secret, and a join with it never waits. What the code alone shows is the room's title; its inbox and
 * the instructor's sandbox are named only to members.
 *
 * POST   /app/rooms                  {title?}            → 201 RoomCreated (code, instructorKey, joinUrl /room/CODE,
 *                                                           joinLink /room/CODE#join=SECRET, eventsUrl,
 *                                                           sandbox room-code-secret, inbox {id,key,url…}, faults)
 * GET    /app/rooms/:code                                → 200 RoomLookup {code, title} (no key: the join page checks the code)
 * DELETE /app/rooms/:code            instructor          → 204; every stream gets `room-closed` and ends
 * POST   /app/rooms/:code/join       {name, secret?}     → 201 StudentJoined (studentId, studentKey, room, sandbox, inbox…)
 * GET    /app/rooms/:code/events     instructor|student  → text/event-stream (see below)
 * POST   /app/rooms/:code/broadcast  instructor {transcript, note?}          → 200 {eventId, streams}
 * POST   /app/rooms/:code/push       instructor {draft{method,url,…}, message?, studentId?, goal?{goal, description?}}
 *                                    → 200 {eventId, streams}; a goal (lesson goal format) becomes the room's goal
 * POST   /app/rooms/:code/progress   student {lastExchange?, progress?, goal?{goalId, reached, attempt}} → 200 RosterEntry
 *                                    (goal reports are sent by the student's page whether or not they share more)
 * GET    /app/rooms/:code/roster     instructor          → 200 {code, students: RosterEntry[]}
 * GET    /app/rooms/:code/faults     instructor|student  → 200 FaultSettings
 * PUT    /app/rooms/:code/faults     instructor {latencyMs?, status429?, status503?, drop?, retryAfterSeconds?}
 *                                    → 200 {faults, changed}. PUT replaces: a switch left out is off.
 *
 * The event stream: every event has an `id:`; reconnecting with Last-Event-ID (or ?lastEventId= on a first
 * connection) replays what was missed, once. A fresh connection starts with `state` (also sent, with
 * missed: true, when the missed events are no longer kept). A comment line every SSE_HEARTBEAT_MS.
 * Broadcasts, room inbox captures, roster URLs and logs go out with credentials masked (protocol/redact.ts).
 * Events (payload types in server/protocol/classroom-types.ts, RoomEvents): state, broadcast, try-this,
 * faults, capture (room inbox → everyone, a student's inbox → that student), and for the instructor only
 * student-joined, presence, progress; room-closed ends the stream.
 *
 * Fault switches act on the toy API for sandboxes room-<code>-<secret> and room-<code>-<studentId>: added latency,
 * then drop (connection closed), else 503, else 429 (both with Retry-After and X-Sandbox-Fault).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { checkStreamsPerMember } from '../http/connection-limit';
import { JSON_ONLY } from '../http/json-body';
import { HttpProblem } from '../http/problem';
import { describeGoal, validateGoal, type Goal } from '../protocol/lesson-goals';
import { checkDisplayName, checkRoomTitle } from '../classroom/display-name';
import { FAULTS_OFF } from '../classroom/faults';
import { parseEventId } from '../classroom/hub';
import { BROADCAST_BODY_LIMIT, PROGRESS_BODY_LIMIT, PUSH_BODY_LIMIT, STREAMS_PER_ROOM } from '../classroom/limits';
import { canSee, roomChannel, type Room } from '../classroom/rooms';
import {
  BroadcastBody,
  CreateRoomBody,
  FaultsBody,
  FaultsChangedSchema,
  FaultSettingsSchema,
  JoinBody,
  ProgressBody,
  PublishedSchema,
  PushBody,
  RoomCodeParams,
  RoomCreatedSchema,
  RoomLookupSchema,
  RosterEntrySchema,
  RosterSchema,
  StudentJoinedSchema,
} from '../classroom/schemas';
import { CLASSROOM_CREATE_BUCKET } from '../classroom/service';
import { pipeChannel } from '../classroom/subscribe';
import { namedRoom, roomMember, roomStudent } from './keyed';
import { RateLimiter } from '../services/rate-limits';
import { declareResource, NoContent, problemResponses } from './api/collection';


const rooms: FastifyPluginAsyncTypebox = async (app) => {
  const { rooms: service, streams, hub } = app.classroom;

  declareResource(app, '/app/rooms', ['POST']);
  declareResource(app, '/app/rooms/:code', ['GET', 'DELETE']);
  declareResource(app, '/app/rooms/:code/join', ['POST']);
  declareResource(app, '/app/rooms/:code/events', ['GET']);
  declareResource(app, '/app/rooms/:code/broadcast', ['POST']);
  declareResource(app, '/app/rooms/:code/push', ['POST']);
  declareResource(app, '/app/rooms/:code/progress', ['POST']);
  declareResource(app, '/app/rooms/:code/roster', ['GET']);
  declareResource(app, '/app/rooms/:code/faults', ['GET', 'PUT']);

  // An instructor opens a room: a code for the projector, a key to keep.
  app.post(
    '/app/rooms',
    {
      config: { rateLimit: 'room-create', accepts: JSON_ONLY },
      schema: { body: CreateRoomBody, response: { 201: RoomCreatedSchema, ...problemResponses } },
      // The body is optional: no body means no title.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const title = checkRoomTitle(request.body.title ?? '');
      if (!title.ok) {
        throw new HttpProblem('validation-failed', `The room title cannot be used: ${title.reason}`, {
          errors: [{ field: 'title', location: 'body', message: title.reason }],
        });
      }
      const { created } = await service.create(title.name, RateLimiter.addressOf(request));
      return reply.code(201).header('location', `/app/rooms/${created.code}`).header('cache-control', 'no-store').send(created);
    },
  );

  // A student's join page checks the code before asking for a name: the code shows the title, no more.
  app.get(
    '/app/rooms/:code',
    { schema: { params: RoomCodeParams, response: { 200: RoomLookupSchema, ...problemResponses } } },
    async (request) => service.lookup(await namedRoom(service, request)),
  );

  // The instructor ends the class: students' streams say so and end.
  app.delete(
    '/app/rooms/:code',
    { schema: { params: RoomCodeParams, response: { 204: NoContent, ...problemResponses } } },
    async (request, reply) => {
      const { room } = await roomMember(service, request, 'instructor', 'close the room');
      await service.close(room, 'closed');
      return reply.code(204).send();
    },
  );

  // A student joins with the code (and the join secret, from a link or QR code) and a display name, and
  // receives a key, a sandbox and an inbox.
  app.post(
    '/app/rooms/:code/join',
    {
      config: { rateLimit: CLASSROOM_CREATE_BUCKET, accepts: JSON_ONLY },
      schema: { params: RoomCodeParams, body: JoinBody, response: { 201: StudentJoinedSchema, ...problemResponses } },
    },
    async (request, reply) => {
      const { secret } = request.body;
      const linked = secret === undefined ? undefined : await service.get(request.params.code);
      const room = linked && service.joinSecretMatches(linked, secret!) ? linked : await namedRoom(service, request);
      const checked = checkDisplayName(request.body.name);
      if (!checked.ok) {
        throw new HttpProblem('validation-failed', `The display name cannot be used: ${checked.reason}`, {
          errors: [{ field: 'name', location: 'body', message: checked.reason }],
        });
      }
      const joined = await service.join(room, checked.name);
      return reply.code(201).header('cache-control', 'no-store').send(joined);
    },
  );

  // Everyone in the room listens here: broadcasts, pushes, switches; the instructor also sees the class.
  app.get(
    '/app/rooms/:code/events',
    { exposeHeadRoute: false, schema: { params: RoomCodeParams } },
    async (request, reply) => {
      const { room, member } = await roomMember(service, request, 'member', 'read the room');
      const channel = roomChannel(room.code);
      checkStreamsPerMember(member.role === 'student' ? member.student.connections : room.instructorConnections, member.role === 'student' ? 'This student' : 'The instructor');
      const stream = streams.open(reply, channel, STREAMS_PER_ROOM, `room ${room.code}`);
      const presence = (delta: 1 | -1) => service.presence(room, member, delta).catch((error: unknown) => request.log.warn({ err: error }, 'room presence not recorded'));
      void presence(1);
      stream.onClose(() => void presence(-1));
      const query = request.query as Record<string, unknown>;
      try {
        await pipeChannel(hub, channel, stream, {
          lastEventId: parseEventId(request.headers['last-event-id']) ?? parseEventId(query.lastEventId),
          canSee: (event) => canSee(member, event.audience),
          snapshot: async (missed) => ({ type: 'state', json: await service.snapshot(room, member, missed) }),
        });
      } catch (error) {
        request.log.error({ err: error }, 'room event stream failed');
        stream.close();
      }
      return reply;
    },
  );

  // The instructor shows an exchange on every student's screen.
  app.post(
    '/app/rooms/:code/broadcast',
    {
      bodyLimit: BROADCAST_BODY_LIMIT,
      config: { accepts: JSON_ONLY },
      schema: { params: RoomCodeParams, body: BroadcastBody, response: { 200: PublishedSchema, ...problemResponses } },
    },
    async (request) => {
      const { room } = await roomMember(service, request, 'instructor', 'broadcast to the room');
      const event = await service.broadcast(room, request.body.transcript, request.body.note);
      return { eventId: event.id, streams: streams.count(roomChannel(room.code)) };
    },
  );

  // The instructor puts a request into students' composers ("try this").
  app.post(
    '/app/rooms/:code/push',
    {
      bodyLimit: PUSH_BODY_LIMIT,
      config: { accepts: JSON_ONLY },
      schema: { params: RoomCodeParams, body: PushBody, response: { 200: PublishedSchema, ...problemResponses } },
    },
    async (request) => {
      const { room } = await roomMember(service, request, 'instructor', 'push requests to students');
      const { draft, message = '', studentId, goal } = request.body;
      let pushedGoal: { goal: Goal; description: string } | undefined;
      if (goal) {
        const problems = validateGoal(goal.goal, 'goal.goal');
        if (problems.length > 0) {
          throw new HttpProblem('validation-failed', `The goal cannot be checked: ${problems.join('; ')}. Write it as in a lesson file (lessons/README.md lists every condition).`, {
            errors: problems.map((message) => ({ field: 'goal.goal', location: 'body', message })),
          });
        }
        pushedGoal = { goal: goal.goal, description: goal.description?.trim() || describeGoal(goal.goal) };
      }
      const event = await service.push(room, {
        draft,
        message,
        ...(studentId === undefined ? {} : { studentId }),
        ...(pushedGoal === undefined ? {} : { goal: pushedGoal }),
      });
      return { eventId: event.id, streams: streams.count(roomChannel(room.code)) };
    },
  );

  // A student chooses to share their last exchange or lesson step with the instructor.
  app.post(
    '/app/rooms/:code/progress',
    {
      bodyLimit: PROGRESS_BODY_LIMIT,
      config: { accepts: JSON_ONLY },
      schema: { params: RoomCodeParams, body: ProgressBody, response: { 200: RosterEntrySchema, ...problemResponses } },
    },
    async (request) => {
      const { room, student } = await roomStudent(service, request, 'share progress');
      const { lastExchange, progress, goal, shareData } = request.body;
      if (lastExchange === undefined && progress === undefined && goal === undefined && shareData === undefined) {
        throw new HttpProblem('validation-failed', 'Send lastExchange, progress, goal or several; an empty report changes nothing.', {
          errors: [{ field: '(body)', location: 'body', message: 'needs lastExchange or progress' }],
        });
      }
      return service.shareProgress(room, student, {
        ...(lastExchange === undefined ? {} : { lastExchange }),
        ...(progress === undefined ? {} : { progress }),
        ...(goal === undefined ? {} : { goal }),
        ...(shareData === undefined ? {} : { shareData }),
      });
    },
  );

  // The instructor's live roster (the stream keeps it current; this is for a fresh page).
  app.get(
    '/app/rooms/:code/roster',
    { schema: { params: RoomCodeParams, response: { 200: RosterSchema, ...problemResponses } } },
    async (request, reply) => {
      const { room } = await roomMember(service, request, 'instructor', 'see the roster');
      return reply.header('cache-control', 'no-store').send({ code: room.code, students: service.roster(room) });
    },
  );

  app.get(
    '/app/rooms/:code/faults',
    { schema: { params: RoomCodeParams, response: { 200: FaultSettingsSchema, ...problemResponses } } },
    async (request, reply) => {
      const { room } = await roomMember(service, request, 'member', 'see the fault switches');
      return reply.header('cache-control', 'no-store').send(room.faults);
    },
  );

  // The instructor flips the room's fault switches; every student's screen shows the change.
  app.put(
    '/app/rooms/:code/faults',
    {
      config: { accepts: JSON_ONLY },
      schema: { params: RoomCodeParams, body: FaultsBody, response: { 200: FaultsChangedSchema, ...problemResponses } },
    },
    async (request) => {
      const { room } = await roomMember(service, request, 'instructor', 'flip the fault switches');
      return service.setFaults(room, { ...FAULTS_OFF, ...request.body });
    },
  );
};

export default rooms;
