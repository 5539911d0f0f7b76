// Classroom rooms: an instructor, the students who joined with the code, the room's fault switches and
// its inbox. Everything that happens in a room is published on the hub channel room:<CODE>, with an
// audience (everyone, the instructor, or one student) that each event stream filters on.
import { timingSafeEqual } from 'node:crypto';
import { HttpProblem } from '../http/problem';
import type { Transcript } from '../protocol/api-types';
import { previewBodyView } from './capture';
import { changedSwitches, FAULTS_OFF, roomSandboxId } from './faults';
import type { Audience, Hub, HubEvent } from './hub';
import { digestKey, keyMatches, newJoinSecret, newKey, newRoomCode, newRoomSandboxSecret, newStudentId, normalizeRoomCode, ROOM_CODE } from './ids';
import { nameSkeleton } from './display-name';
import type { InboxService } from './inboxes';
import { requireKey } from './keys';
import { CAPACITY_RETRY_AFTER_S, ROOM_CAPTURE_PREVIEW_BYTES } from './limits';
import { keepWatchedAlive } from './registry';
import { MemoryRoomStore, type RoomStore, type RoomStoreHooks } from './room-store';
import type { KeptJson, Member, Room, Student } from './room-types';
import { redactDraft, redactTranscript, redactUrl } from '../protocol/redact';
import type {
  Broadcast,
  CapturedRequest,
  ExchangeSummary,
  FaultSettings,
  GoalReport,
  LessonProgress,
  PushedGoal,
  RoomCreated,
  RoomEvents,
  RoomInfo,
  RoomLookup,
  RosterEntry,
  StudentJoined,
  TryThis,
} from '../protocol/classroom-types';
import type { StreamRegistry } from './sse';

export type { KeptJson, Member, Room, Student } from './room-types';
import { jsonWithLists } from './subscribe';

export interface RoomServiceOptions {
  hub: Hub;
  streams: StreamRegistry;
  inboxes: InboxService;
  now: () => Date;
  max: number;
  studentMax: number;
  idleMs: number;
  /** Where rooms are kept: in memory by default; makeStore builds another (Redis) from the service's hooks. */
  makeStore?: (hooks: RoomStoreHooks) => RoomStore;
  /** How often sweep() runs (a shared store's heartbeat). */
  sweepMs?: number;
}

export function roomChannel(code: string): string {
  return `room:${code}`;
}

/** Whether a member may see an event: the instructor sees what is for everyone or for the instructor;
 *  a student what is for everyone or for that student. */
export function canSee(member: Member, audience: Audience): boolean {
  if (audience === 'all') return true;
  if (member.role === 'instructor') return audience === 'instructor';
  return audience === `student:${member.student.id}`;
}

type RoomEventName = keyof RoomEvents;

/** A broadcast as the `state` event lists it: the event's JSON with its eventId added, sharing the bytes. */
function keptBroadcast(json: Buffer, eventId: string): KeptJson {
  return [json.subarray(0, json.length - 1), Buffer.from(`,"eventId":${JSON.stringify(eventId)}}`)];
}

function parseKept<T>(item: KeptJson): T {
  return JSON.parse(Buffer.concat(item).toString('utf8')) as T;
}

/** A student as a snapshot or journal record keeps it (Buffers as base64, dates as ISO strings, no live
 *  connections). Records written before goals and data sharing existed lack those fields. */
export type SavedStudent = Omit<Student, 'keyDigest' | 'joinedAt' | 'goal' | 'sharesData' | 'sandbox'> & { keyDigest: string; joinedAt: string; goal?: GoalReport | null; sharesData?: boolean };
/** A room as a snapshot or journal record keeps it. Snapshots written before goals and recent lists existed
 *  lack those fields: they start empty. */
export type SavedRoom = Omit<Room, 'keyDigest' | 'joinSecretDigest' | 'createdAt' | 'students' | 'broadcasts' | 'broadcastSeq' | 'captures' | 'goal' | 'goalSeq'> &
  Partial<Pick<Room, 'broadcastSeq' | 'goal' | 'goalSeq'>> & { keyDigest: string; joinSecretDigest?: string; createdAt: string; students: SavedStudent[]; broadcasts?: Broadcast[]; captures?: CapturedRequest[] };

/** What a student shares with the instructor (their roster entry's own state). */
type SharedState = Pick<SavedStudent, 'lastExchange' | 'progress' | 'goal' | 'sharesData'>;

/**
 * One change to the rooms, as the journal keeps it (DATA_DIR/journal.jsonl), flushed before the answer that
 * reports it: a room made or closed, a student joined, what a student shares, the fault switches, the room's
 * goal. Broadcasts and the recent lists are kept only in snapshots.
 */
export type RoomRecord =
  | { op: 'create'; room: SavedRoom }
  | { op: 'join'; code: string; student: SavedStudent }
  | { op: 'shared'; code: string; id: string; state: SharedState }
  | { op: 'faults'; code: string; faults: FaultSettings }
  | { op: 'goal'; code: string; goal: PushedGoal; goalSeq: number }
  | { op: 'close'; code: string };

export function saveStudent(student: Student): SavedStudent {
  const { sandbox: _sandbox, ...rest } = student;
  return { ...rest, keyDigest: student.keyDigest.toString('base64'), joinedAt: student.joinedAt.toISOString(), connections: 0 };
}

export function loadStudent(code: string, saved: SavedStudent): Student {
  return {
    ...saved,
    goal: saved.goal ?? null,
    sharesData: saved.sharesData ?? false,
    sandbox: roomSandboxId(code, saved.id),
    keyDigest: Buffer.from(saved.keyDigest, 'base64'),
    joinedAt: new Date(saved.joinedAt),
    connections: 0,
  };
}

export function saveRoom(room: Room): SavedRoom {
  return {
    ...room,
    broadcasts: room.broadcasts.map((item) => parseKept<Broadcast>(item)),
    captures: room.captures.map((item) => parseKept<CapturedRequest>(item)),
    keyDigest: room.keyDigest.toString('base64'),
    joinSecretDigest: room.joinSecretDigest.toString('base64'),
    createdAt: room.createdAt.toISOString(),
    instructorConnections: 0,
    students: [...room.students.values()].map(saveStudent),
  };
}

/** The room a snapshot or record keeps, or undefined for rooms saved before codes had 8 letters and a join
 *  secret: those cannot be joined safely and are left out (their inboxes expire on their own). */
export function loadRoom(raw: SavedRoom): Room | undefined {
  if (!ROOM_CODE.test(raw.code) || raw.joinSecretDigest === undefined) return undefined;
  return {
    ...raw,
    broadcasts: (raw.broadcasts ?? []).map((broadcast) => [Buffer.from(JSON.stringify(broadcast))]),
    broadcastSeq: raw.broadcastSeq ?? 0,
    captures: (raw.captures ?? []).map((capture) => [Buffer.from(JSON.stringify(capture))]),
    goal: raw.goal ?? null,
    goalSeq: raw.goalSeq ?? 0,
    keyDigest: Buffer.from(raw.keyDigest, 'base64'),
    joinSecretDigest: Buffer.from(raw.joinSecretDigest, 'base64'),
    createdAt: new Date(raw.createdAt),
    students: new Map(raw.students.map((s): [string, Student] => [s.id, loadStudent(raw.code, s)])),
    instructorConnections: 0,
  };
}

export class RoomService {
  /** Where the rooms are kept (registry in memory, or Redis). */
  readonly #store: RoomStore;
  /** The memory store, for snapshots and the journal (undefined when rooms are in Redis). */
  readonly #memory: MemoryRoomStore | undefined;
  /** What this process does for each room it made inboxes for: stops relaying them (by room code). */
  readonly #unfollow = new Map<string, (() => void)[]>();
  /** Inboxes this process made for each room (by room code): they go when the room closes. */
  readonly #localInboxes = new Map<string, Set<string>>();
  /** Rooms with event streams open here: a shared store keeps them alive (heartbeat). */
  readonly #watched = new Set<string>();
  /** Receives every change worth keeping through a crash (persistence journals it before answering). */
  onRecord: ((record: RoomRecord) => void) | undefined;

  /** Whether the rooms are shared with other processes (Redis): then they are not snapshotted here. */
  get shared(): boolean {
    return this.#store.shared;
  }

  /** Every room as plain JSON (Buffers as base64, dates as ISO strings, no live connections), for a snapshot. */
  exportState(): unknown[] {
    return this.#memory?.registry.values().map(saveRoom) ?? [];
  }

  importState(saved: unknown[]): void {
    for (const raw of saved as SavedRoom[]) {
      const room = loadRoom(raw);
      if (room) this.#add(room);
    }
  }

  /** Applies a journalled change again (at start, after the snapshot). */
  applyRecord(record: RoomRecord): void {
    const registry = this.#memory?.registry;
    if (!registry) return;
    if (record.op === 'create') {
      const room = loadRoom(record.room);
      if (room) this.#add(room);
      return;
    }
    const room = registry.peek(record.code);
    if (!room) return;
    if (record.op === 'join') {
      const student = loadStudent(room.code, record.student);
      room.students.set(student.id, student);
      this.#follow(room.code, student.inboxId);
    } else if (record.op === 'shared') {
      const student = room.students.get(record.id);
      if (student) Object.assign(student, { ...record.state, goal: record.state.goal ?? null, sharesData: record.state.sharesData ?? false });
    } else if (record.op === 'faults') {
      room.faults = record.faults;
    } else if (record.op === 'goal') {
      room.goal = record.goal;
      room.goalSeq = record.goalSeq;
    } else {
      registry.forget(room.code);
      this.#unfollowAll(room.code);
    }
  }

  #record(record: RoomRecord): void {
    if (!this.#store.shared) this.onRecord?.(record);
  }

  /** Puts back a room as a snapshot or the journal kept it, relaying its inboxes again. */
  #add(room: Room): void {
    if (!this.#memory) return;
    this.#memory.registry.restore(room);
    for (const inboxId of [room.inboxId, ...[...room.students.values()].map((student) => student.inboxId)]) this.#follow(room.code, inboxId);
  }

  /** Stops relaying a room's inboxes (it closed). */
  #unfollowAll(code: string): void {
    for (const stop of this.#unfollow.get(code) ?? []) stop();
    this.#unfollow.delete(code);
    this.#localInboxes.delete(code);
  }

  readonly #options: RoomServiceOptions;

  constructor(options: RoomServiceOptions) {
    this.#options = options;
    const perOwnerMax = Math.max(1, Math.floor(options.max / 4));
    const hooks: RoomStoreHooks = {
      max: options.max,
      idleMs: options.idleMs,
      now: options.now,
      openStreams: (code) => options.streams.count(roomChannel(code)),
      ...(options.sweepMs === undefined ? {} : { heartbeatMs: options.sweepMs }),
      expire: (room) => void this.close(room, 'expired').catch(() => undefined),
      full: () =>
        new HttpProblem(
          'capacity-reached',
          `This server already holds ${options.max} rooms, as many as it may. Close a room you no longer need (DELETE /app/rooms/<code>), or try again later: idle rooms close after ${this.idleMinutes} minutes.`,
          { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) }, extra: { limit: options.max } },
        ),
      // A quarter of ROOM_MAX is 50 at the default: more than a school's instructors behind one address
      // start in a day.
      shareUsed: (held) =>
        new HttpProblem(
          'too-many-requests',
          `Your network address already holds ${held} rooms, the most one address may hold (a quarter of this server's ${options.max}). Close rooms you no longer need (DELETE /app/rooms/<code> with the instructor key), or wait until idle ones close after ${this.idleMinutes} minutes.`,
          { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) }, extra: { limit: perOwnerMax } },
        ),
      onAdded: (room) => this.#record({ op: 'create', room: saveRoom(room) }),
      onRemoved: (room) => {
        this.#unfollowAll(room.code);
        this.#record({ op: 'close', code: room.code });
      },
    };
    this.#store = options.makeStore?.(hooks) ?? new MemoryRoomStore(hooks);
    this.#memory = this.#store instanceof MemoryRoomStore ? this.#store : undefined;
    // A capture of a room or student inbox reaches the room from the process where it arrived.
    options.inboxes.onCaptured = (inbox, capture) => 
      // (The capture is kept and answered already: a room that cannot be told does not fail it.)
      inbox.room === null ? Promise.resolve() : this.#relayCapture(inbox.room, inbox.id, capture).catch(() => undefined);
  }

  /** Remembers an inbox this process made for a room, to remove it when the room ends (a room in Redis can
   *  expire by TTL, and its inboxes do not expire on their own). With shared rooms, this process also listens
   *  for the room's end, so that the inboxes it made go with the room wherever it is closed. */
  #follow(code: string, inboxId: string): void {
    let stops = this.#unfollow.get(code);
    if (!stops) {
      stops = [];
      this.#unfollow.set(code, stops);
      if (this.#store.shared) {
        stops.push(
          this.#options.hub.subscribe(roomChannel(code), (event) => {
            if (event.type === 'room-closed') void this.#endHere(code);
          }),
        );
      }
    }
    let inboxes = this.#localInboxes.get(code);
    if (!inboxes) this.#localInboxes.set(code, (inboxes = new Set()));
    inboxes.add(inboxId);
  }

  /** What this process holds for a room that ended (here or on another process): its streams, its inboxes. */
  async #endHere(code: string): Promise<void> {
    const inboxIds = [...(this.#localInboxes.get(code) ?? [])];
    this.#unfollowAll(code);
    this.#watched.delete(code);
    // Its event streams here end as the hub drops the channel (after they have had `room-closed`).
    for (const id of inboxIds) {
      const inbox = await this.#options.inboxes.get(id);
      if (inbox) await this.#options.inboxes.remove(inbox, 'room-closed');
    }
  }

  /** Rooms held in this process's memory (0 when they are in Redis: see count()). */
  get size(): number {
    return this.#memory?.registry.size ?? 0;
  }

  /** Rooms held (with Redis: by every process). */
  count(): Promise<number> {
    return this.#store.count();
  }

  get idleMinutes(): number {
    return Math.round(this.#options.idleMs / 60_000);
  }

  #nowMs(): number {
    return this.#options.now().getTime();
  }

  #publish<E extends RoomEventName>(room: Room, type: E, data: RoomEvents[E], audience: Audience = 'all'): Promise<HubEvent> {
    return this.#options.hub.publish(roomChannel(room.code), { type, data, audience });
  }

  /** A new room for the instructor at `creator` (an address). 503 when the server is full; 429 when that
   *  address already holds its share. */
  async create(title: string, creator: string): Promise<{ room: Room; created: RoomCreated }> {
    await this.#store.admit(creator);
    const drawn = newRoomCode();
    const { inbox, key: inboxKey } = await this.#options.inboxes.create('room', drawn);
    const instructorKey = newKey();
    const joinSecret = newJoinSecret();
    const now = this.#nowMs();
    const room: Room = {
      code: drawn,
      title,
      keyDigest: digestKey(instructorKey),
      joinSecretDigest: digestKey(joinSecret),
      sandbox: '',
      creator,
      createdAt: new Date(now),
      lastActivity: now,
      students: new Map(),
      faults: FAULTS_OFF,
      inboxId: inbox.id,
      broadcasts: [],
      broadcastSeq: 0,
      captures: [],
      goal: null,
      goalSeq: 0,
      instructorConnections: 0,
    };
    try {
      for (;;) {
        room.sandbox = roomSandboxId(room.code, newRoomSandboxSecret());
        inbox.room = room.code;
        if (await this.#store.add(room)) break;
        room.code = newRoomCode();
      }
    } catch (error) {
      await this.#options.inboxes.remove(inbox, 'room-closed');
      throw error;
    }
    const { code } = room;
    this.#follow(code, inbox.id);
    return {
      room,
      created: {
        ...this.info(room),
        instructorKey,
        joinLink: `/room/${code}#join=${joinSecret}`,
        eventsUrl: `/app/rooms/${code}/events`,
        sandbox: room.sandbox,
        inbox: this.#options.inboxes.link(inbox, inboxKey),
        faults: room.faults,
        limits: { students: this.#options.studentMax, idleMinutes: this.idleMinutes },
      },
    };
  }

  /** The room with this code (typed in any case), or undefined (also when it was idle too long: it closes). */
  async get(code: string): Promise<Room | undefined> {
    const normalized = normalizeRoomCode(code);
    return ROOM_CODE.test(normalized) ? this.#store.get(normalized) : undefined;
  }

  /** The 404 for a code that names no room, saying what a code looks like. */
  notFound(code: string): HttpProblem {
    return new HttpProblem(
      'not-found',
      `There is no room ${JSON.stringify(code.slice(0, 20))}. A room code is 8 letters, such as KXMP-QRTW (the dash is optional): check it against the projector. Rooms close when the instructor ends them, or after ${this.idleMinutes} minutes with nobody connected.`,
    );
  }

  /** Whether `secret` is this room's join secret (constant time). */
  joinSecretMatches(room: Room, secret: string): boolean {
    return keyMatches(secret, room.joinSecretDigest);
  }

  /** The faults of a room, for the toy API's hook (synchronous when rooms are in memory). */
  faultsOf(code: string): FaultSettings | undefined | Promise<FaultSettings | undefined> {
    return this.#store.faultsOf(code);
  }

  /** Who holds this key in this room, compared in constant time; undefined when nobody. */
  identify(room: Room, key: string): Member | undefined {
    if (keyMatches(key, room.keyDigest)) return { role: 'instructor' };
    const digest = digestKey(key);
    for (const student of room.students.values()) {
      if (timingSafeEqual(digest, student.keyDigest)) return { role: 'student', student };
    }
    return undefined;
  }

  /**
   * Who holds `key` in the room: 401 without a key, 403 for a wrong key, 403 when a student key asks for an
   * instructor's action. Counts as activity in the room.
   */
  async authorize(room: Room, key: string | undefined, need: 'member' | 'instructor', action: string): Promise<{ room: Room; member: Member }> {
    const where = `Instructors received their key when they made room ${room.code}; students receive theirs when they join it.`;
    const member = requireKey(key, { what: `room ${room.code}`, where, realm: 'room', notThis: 'A join code is not a key.' }, (k) => this.identify(room, k));
    if (need === 'instructor' && member.role !== 'instructor') {
      throw new HttpProblem('instructor-only', `Only the instructor of room ${room.code} may ${action}; this is a student's key.`);
    }
    const now = this.#nowMs();
    room.lastActivity = now;
    if (member.role === 'student') member.student.lastSeen = now;
    await this.#store.touch(room, member.role === 'student' ? member.student : undefined);
    return { room, member };
  }

  /** The student who holds `key` in the room (403 for the instructor's key). */
  async authorizeStudent(room: Room, key: string | undefined, action: string): Promise<{ room: Room; student: Student }> {
    const { member } = await this.authorize(room, key, 'member', action);
    if (member.role !== 'student') {
      throw new HttpProblem('forbidden', `Only a student may ${action}; this is the instructor's key. Join the room as a student to try it.`);
    }
    return { room, student: member.student };
  }

  /** What the code alone shows: the room's code and title, for the join page. */
  lookup(room: Room): RoomLookup {
    return { code: room.code, title: room.title };
  }

  /** What members see of the room. */
  info(room: Room): RoomInfo {
    return {
      code: room.code,
      title: room.title,
      joinUrl: `/room/${room.code}`,
      inboxUrl: `/inbox/${room.inboxId}/`,
      createdAt: room.createdAt.toISOString(),
      students: room.students.size,
    };
  }

  rosterEntry(student: Student): RosterEntry {
    return {
      studentId: student.id,
      name: student.name,
      joinedAt: student.joinedAt.toISOString(),
      connected: student.connections > 0,
      connections: student.connections,
      lastSeenAt: new Date(student.lastSeen).toISOString(),
      lastExchange: student.lastExchange,
      progress: student.progress,
      goal: student.goal,
      sharedSandbox: student.sharesData ? student.sandbox : null,
    };
  }

  roster(room: Room): RosterEntry[] {
    return [...room.students.values()].map((student) => this.rosterEntry(student));
  }

  #roomFull(room: Room): HttpProblem {
    return new HttpProblem(
      'room-full',
      `Room ${room.code} already has ${this.#options.studentMax} students, as many as it may. Ask your instructor to open a second room.`,
      { extra: { limit: this.#options.studentMax } },
    );
  }

  // Two students whose names look alike would pass for each other on the roster (case, accents,
  // Cyrillic а for Latin a, full-width letters): the second one chooses another.
  #nameTaken(room: Room, name: string, twin: string): HttpProblem {
    return new HttpProblem(
      'conflict',
      `Someone in room ${room.code} already goes by ${JSON.stringify(twin)}, and ${JSON.stringify(name)} would look the same on the roster. Add something that tells you apart, such as your surname's initial (${JSON.stringify(`${name} K.`)}).`,
      { errors: [{ field: 'name', location: 'body', message: `looks like ${JSON.stringify(twin)}, who is already in the room` }] },
    );
  }

  async join(room: Room, name: string): Promise<StudentJoined> {
    // Checked first as the room was read (so a full room makes no inbox), then again atomically as the
    // student is added: two joins on two processes cannot both take the last seat or the same name.
    if (room.students.size >= this.#options.studentMax) throw this.#roomFull(room);
    const skeleton = nameSkeleton(name);
    const twin = [...room.students.values()].find((student) => nameSkeleton(student.name) === skeleton);
    if (twin) throw this.#nameTaken(room, name, twin.name);
    const { inbox, key: inboxKey } = await this.#options.inboxes.create('student', room.code);
    const studentKey = newKey();
    const now = this.#nowMs();
    const student: Student = {
      id: newStudentId(),
      name,
      keyDigest: digestKey(studentKey),
      joinedAt: new Date(now),
      lastSeen: now,
      connections: 0,
      lastExchange: null,
      progress: null,
      goal: null,
      sharesData: false,
      sandbox: '',
      inboxId: inbox.id,
    };
    room.lastActivity = now;
    for (;;) {
      student.sandbox = roomSandboxId(room.code, student.id);
      const outcome = await this.#store.addStudent(room, student, this.#options.studentMax).catch(async (error: unknown) => {
        await this.#options.inboxes.remove(inbox, 'room-closed');
        throw error;
      });
      if (outcome.kind === 'joined') break;
      if (outcome.kind === 'id-taken') {
        student.id = newStudentId();
        continue;
      }
      await this.#options.inboxes.remove(inbox, 'room-closed');
      if (outcome.kind === 'full') throw this.#roomFull(room);
      if (outcome.kind === 'twin') throw this.#nameTaken(room, name, outcome.name);
      throw this.notFound(room.code);
    }
    const { id } = student;
    this.#follow(room.code, inbox.id);
    this.#record({ op: 'join', code: room.code, student: saveStudent(student) });
    await this.#publish(room, 'student-joined', { student: this.rosterEntry(student) }, 'instructor');
    return {
      studentId: id,
      studentKey,
      name,
      room: this.info(room),
      eventsUrl: `/app/rooms/${room.code}/events`,
      sandbox: student.sandbox,
      inbox: this.#options.inboxes.link(inbox, inboxKey),
    };
  }

  /** Shows an exchange to the room. The instructor's credentials are masked here, on the server, before
   *  anything is kept or sent: whatever the instructor's page posts, no student receives a secret. */
  async broadcast(room: Room, transcript: Transcript, note: string | undefined): Promise<HubEvent> {
    const { transcript: shown, hidden } = redactTranscript(transcript, 'the instructor');
    const seq = await this.#store.nextBroadcastSeq(room);
    const broadcast: Broadcast = { transcript: shown, hidden, seq, ...(note === undefined ? {} : { note }) };
    const event = await this.#publish(room, 'broadcast', broadcast);
    await this.#store.keep(room, 'broadcasts', keptBroadcast(event.json, event.id));
    return event;
  }

  async push(room: Room, tryThis: Omit<TryThis, 'goal'> & { goal?: Omit<PushedGoal, 'id'> }): Promise<HubEvent> {
    if (tryThis.studentId !== undefined && !room.students.has(tryThis.studentId)) {
      throw new HttpProblem('validation-failed', `Room ${room.code} has no student with the id ${JSON.stringify(tryThis.studentId)}. GET /app/rooms/${room.code}/roster lists them; leave studentId out to push to everyone.`, {
        errors: [{ field: 'studentId', location: 'body', message: 'is not a student of this room' }],
      });
    }
    const { goal, ...given } = tryThis;
    // The draft comes from the instructor's composer: their token, cookie or password stays with them.
    const rest: TryThis = { ...given, draft: redactDraft(given.draft).draft };
    let pushed: TryThis = rest;
    if (goal) {
      // A new goal for the whole room: every student starts at "not tried".
      const set = await this.#store.setGoal(room, goal);
      room.goal = set;
      room.goalSeq = set.id;
      this.#record({ op: 'goal', code: room.code, goal: set, goalSeq: set.id });
      pushed = { ...rest, goal: set };
    }
    return this.#publish(room, 'try-this', pushed, tryThis.studentId === undefined ? 'all' : `student:${tryThis.studentId}`);
  }

  async setFaults(room: Room, faults: FaultSettings): Promise<{ faults: FaultSettings; changed: (keyof FaultSettings)[] }> {
    const changed = changedSwitches(room.faults, faults);
    room.faults = faults;
    if (changed.length > 0) {
      await this.#store.saveFaults(room);
      this.#record({ op: 'faults', code: room.code, faults });
      await this.#publish(room, 'faults', { faults, changed });
    }
    return { faults, changed };
  }

  async shareProgress(
    room: Room,
    student: Student,
    update: { lastExchange?: ExchangeSummary; progress?: LessonProgress; goal?: { goalId: number; reached: boolean; attempt: ExchangeSummary }; shareData?: boolean },
  ): Promise<RosterEntry> {
    // A report about another goal changes nothing, not even the rest of it.
    if (update.goal !== undefined && room.goal?.id !== update.goal.goalId) {
      const { goalId } = update.goal;
      throw new HttpProblem('conflict', `Goal ${goalId} is not the room's current goal${room.goal ? ` (that is goal ${room.goal.id})` : ' (the room has none)'}. Reload the page to get the instructor's latest push.`);
    }
    if (update.shareData !== undefined) student.sharesData = update.shareData;
    if (update.lastExchange !== undefined) student.lastExchange = { ...update.lastExchange, url: redactUrl(update.lastExchange.url) };
    if (update.progress !== undefined) student.progress = update.progress;
    if (update.goal !== undefined) {
      const { goalId, reached, attempt } = update.goal;
      // Once reached, a goal stays reached: later experiments do not take the tick away.
      if (!(student.goal?.goalId === goalId && student.goal.state === 'reached')) {
        student.goal = { goalId, state: reached ? 'reached' : 'not-yet', attempt: { ...attempt, url: redactUrl(attempt.url) }, at: this.#options.now().toISOString() };
      }
    }
    await this.#store.saveStudent(room, student);
    const { lastExchange, progress, goal, sharesData } = student;
    this.#record({ op: 'shared', code: room.code, id: student.id, state: { lastExchange, progress, goal, sharesData } });
    const entry = this.rosterEntry(student);
    await this.#publish(room, 'progress', { student: entry }, 'instructor');
    return entry;
  }

  /** The `state` event for one member: sent first on every fresh connection, from the room as it is kept
   *  now. Its recent broadcasts and captures are written as the bytes the room keeps (no copy per stream). */
  async snapshot(room: Room, member: Member, missed: boolean): Promise<Buffer[]> {
    const now = (this.#store.shared ? await this.#store.peek(room.code) : undefined) ?? room;
    const plain: Omit<RoomEvents['state'], 'broadcasts' | 'captures'> = {
      room: this.info(now),
      faults: now.faults,
      you: member.role === 'instructor' ? { role: 'instructor' } : { role: 'student', studentId: member.student.id, name: member.student.name },
      goal: now.goal,
      ...(member.role === 'instructor' ? { roster: this.roster(now) } : {}),
      missed,
    };
    const { broadcasts, captures } = await this.#store.recent(now);
    return jsonWithLists(plain, { broadcasts, captures });
  }

  /** A member's event stream opened (+1) or closed (-1): the instructor hears about students. */
  async presence(room: Room, member: Member, delta: 1 | -1): Promise<void> {
    const now = this.#nowMs();
    room.lastActivity = now;
    if (delta === 1) this.#watched.add(room.code);
    if (member.role === 'student') member.student.lastSeen = now;
    const connections = await this.#store.connect(room, member, delta);
    if (member.role === 'instructor' || connections === undefined) return;
    await this.#store.touch(room, member.student);
    await this.#publish(room, 'presence', { studentId: member.student.id, connected: connections > 0, connections }, 'instructor');
  }

  /** Room inbox captures go to everyone in the room; a student inbox's to that student only. */
  async #relayCapture(code: string, inboxId: string, capture: CapturedRequest): Promise<void> {
    const room = await this.#store.peek(code);
    if (!room) return;
    const request = { ...capture, body: previewBodyView(capture.body, ROOM_CAPTURE_PREVIEW_BYTES) };
    if (inboxId === room.inboxId) {
      // Everyone in the room sees it (the projector too); the inbox masked the sender's credentials
      // when it kept the capture.
      await this.#store.keep(room, 'captures', [Buffer.from(JSON.stringify(request))]);
      await this.#publish(room, 'capture', { inboxId, scope: 'room', request });
      return;
    }
    const owner = [...room.students.values()].find((student) => student.inboxId === inboxId);
    if (owner) await this.#publish(room, 'capture', { inboxId, scope: 'you', request }, `student:${owner.id}`);
  }

  /** Ends a room at once: its streams hear why and end, its inboxes and its channel go. */
  async close(room: Room, reason: 'closed' | 'expired'): Promise<void> {
    if (!(await this.#store.remove(room))) return;
    const inboxIds = [room.inboxId, ...[...room.students.values()].map((student) => student.inboxId), ...(this.#localInboxes.get(room.code) ?? [])];
    const channel = roomChannel(room.code);
    this.#unfollowAll(room.code);
    this.#watched.delete(room.code);
    await this.#publish(room, 'room-closed', { reason });
    this.#options.streams.closeTag(channel);
    await this.#options.hub.drop(channel);
    for (const id of new Set(inboxIds)) {
      const inbox = await this.#options.inboxes.get(id);
      if (inbox) await this.#options.inboxes.remove(inbox, 'room-closed');
    }
  }

  /** Closes idle rooms: nobody connected for the idle time. With shared rooms (which expire by their TTL),
   *  keeps those with event streams open here alive, and lets go of what this process holds for rooms that
   *  have expired. */
  async sweep(): Promise<void> {
    this.#store.sweep();
    if (!this.#store.shared) return;
    await keepWatchedAlive(this.#watched, (code) => this.#options.streams.count(roomChannel(code)), this.#store);
    for (const code of [...this.#localInboxes.keys()]) {
      if (!(await this.#store.peek(code))) await this.#endHere(code);
    }
  }
}
