// The classroom service: the hub, the open event streams, rooms and inboxes, decorated onto the app as
// `app.classroom`. It also provides the onRequest hook that applies a room's fault switches to the toy
// API (registered by server/routes/api/index.ts), and on app.close() it ends every event stream first,
// so neither tests nor a graceful shutdown wait for browsers that never hang up.
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { RedisRoomStore } from '../store/redis/rooms';
import { RedisInboxStore } from '../store/redis/inboxes';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { createFaultHook } from './faults';
import { MemoryHub, type Hub } from './hub';
import { InboxService, type InboxRecord } from './inboxes';
import { SWEEP_INTERVAL_MS } from './limits';
import { RoomService, type RoomRecord } from './rooms';
import { StreamRegistry } from './sse';

/** Rate-limit bucket of making rooms, inboxes and joining rooms. */
export const CLASSROOM_CREATE_BUCKET = 'classroom-create';

export type ClassroomSettings = Pick<
  Config,
  | 'roomMax'
  | 'roomStudentMax'
  | 'roomIdleMinutes'
  | 'inboxMax'
  | 'inboxIdleMinutes'
  | 'inboxHistory'
  | 'inboxBodyLimit'
  | 'inboxCapturesPerMinute'
  | 'streamMax'
  | 'sseHeartbeatMs'
  | 'streamBufferBudgetBytes'
  | 'streamMaxBufferedBytes'
  | 'classroomCreatePerMinute'
  | 'classroomCreatePerAddressPerMinute'
>;

export interface ClassroomOptions {
  /** The app's configuration (only the classroom settings are read). */
  settings: ClassroomSettings;
  now?: () => Date;
  /** Another hub implementation (a shared one for several processes); in-memory by default. */
  hub?: Hub;
  /** With REDIS_URL: rooms are kept there, shared by every process (else in this process's memory). */
  redis?: Redis;
}

export interface Classroom {
  hub: Hub;
  streams: StreamRegistry;
  rooms: RoomService;
  inboxes: InboxService;
  /** onRequest hook for the toy API: applies the fault switches of the room a request's sandbox is in. */
  applyFaults: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    classroom: Classroom;
  }
}

export default fp<ClassroomOptions>(
  async (app, { settings: options, ...rest }) => {
    const now = rest.now ?? (() => new Date());
    const hub = rest.hub ?? new MemoryHub({ now, firstId: Date.now() });
    const streams = new StreamRegistry({
      max: options.streamMax,
      heartbeatMs: options.sseHeartbeatMs,
      bufferBudget: options.streamBufferBudgetBytes,
      maxBufferedPerStream: options.streamMaxBufferedBytes,
    });
    // Shared rooms and inboxes expire by their Redis TTL: the sweep refreshes it for those with streams open
    // here, often enough that none is lost while someone watches it.
    const idleMs = Math.min(options.roomIdleMinutes, options.inboxIdleMinutes) * 60_000;
    const sweepMs = rest.redis ? Math.max(1_000, Math.min(SWEEP_INTERVAL_MS, Math.floor(idleMs / 3))) : SWEEP_INTERVAL_MS;
    const inboxes = new InboxService({
      hub,
      streams,
      now,
      max: options.inboxMax,
      idleMs: options.inboxIdleMinutes * 60_000,
      history: options.inboxHistory,
      bodyLimit: options.inboxBodyLimit,
      capturesPerMinute: options.inboxCapturesPerMinute,
      ...(rest.redis ? { makeStore: (hooks) => new RedisInboxStore(rest.redis!, hooks) } : {}),
    });
    const rooms = new RoomService({
      hub,
      streams,
      inboxes,
      now,
      max: options.roomMax,
      studentMax: options.roomStudentMax,
      idleMs: options.roomIdleMinutes * 60_000,
      ...(rest.redis ? { makeStore: (hooks) => new RedisRoomStore(rest.redis!, hooks), sweepMs } : {}),
    });
    const closing = new AbortController();
    const applyFaults = createFaultHook({
      sandboxOf: (request) => app.sandboxes.requested(request)?.id,
      faultsOf: (code) => rooms.faultsOf(code),
      signal: closing.signal,
    });
    app.decorate('classroom', { hub, streams, rooms, inboxes, applyFaults });
    // With DATA_DIR, rooms and inboxes survive a restart and a crash too. Their lifecycle changes (made,
    // joined, configured, switched, closed) are journalled before the answer; broadcasts, captures and
    // activity times change with nearly every request they handle, so they are kept in the snapshots, whose
    // version is a clock tick: saved at each interval while rooms or inboxes exist.
    let tick = 0;
    const version = () => (rooms.size + inboxes.size > 0 ? ++tick : tick);
    // Rooms in Redis are kept there, not in this process's snapshots.
    if (!rooms.shared) app.persistence.register({
      name: 'rooms',
      version,
      save: () => rooms.exportState(),
      restore: (data) => rooms.importState(data as unknown[]),
      journal: { attach: (write) => (rooms.onRecord = write), apply: (record) => rooms.applyRecord(record as unknown as RoomRecord) },
    });
    // Inboxes in Redis are kept there too.
    if (!inboxes.shared) app.persistence.register({
      name: 'inboxes',
      version,
      save: () => inboxes.exportState(),
      restore: (data) => inboxes.importState(data as unknown[]),
      journal: { attach: (write) => (inboxes.onRecord = write), apply: (record) => inboxes.applyRecord(record as unknown as InboxRecord) },
    });
    app.rateLimits.define(CLASSROOM_CREATE_BUCKET, {
      perMinute: options.classroomCreatePerMinute,
      perAddressPerMinute: options.classroomCreatePerAddressPerMinute,
      what: 'new inboxes and room joins',
    });

    const sweeper = setInterval(() => {
      rooms.sweep().catch((error: unknown) => app.log.warn({ err: error }, 'room sweep failed (Redis unreachable?)'));
      inboxes.sweep().catch((error: unknown) => app.log.warn({ err: error }, 'inbox sweep failed (Redis unreachable?)'));
    }, sweepMs);
    sweeper.unref();

    app.addHook('preClose', async () => {
      clearInterval(sweeper);
      closing.abort();
      await streams.closeAll();
    });
  },
  { name: 'classroom', dependencies: ['sandboxes', 'rate-limits', 'persistence'] },
);
