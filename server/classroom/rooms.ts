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
import { inboxChannel, type InboxService } from './inboxes';
import { requireKey } from './keys';
import { ExpiringRegistry } from './registry';
import { CAPACITY_RETRY_AFTER_S, RECENT_BROADCASTS, RECENT_BYTES, RECENT_CAPTURES, ROOM_CAPTURE_PREVIEW_BYTES } from './limits';
import { redactDraft, redactTranscript, redactUrl } from '../protocol/redact';
import type {
  Broadcast,
  CapturedRequest,
  ExchangeSummary,
  InboxEvents,
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
import { jsonWithLists } from './subscribe';

export interface RoomServiceOptions {
  hub: Hub;
  streams: StreamRegistry;
  inboxes: InboxService;
  now: () => Date;
  max: number;
  studentMax: number;
  idleMs: number;
}

interface Student {
  id: string;
  name: string;
  keyDigest: Buffer;
  joinedAt: Date;
  lastSeen: number;
  connections: number;
  lastExchange: ExchangeSummary | null;
  progress: LessonProgress | null;
  goal: GoalReport | null;
  /** The student lets the instructor show their sandbox data. */
  sharesData: boolean;
  /** The student's own sandbox in the room (room-<code>-<id>). */
  sandbox: string;
  inboxId: string;
}

export interface Room {
  code: string;
  title: string;
  keyDigest: Buffer;
  /** Digest of the secret in the join link and QR code. */
  joinSecretDigest: Buffer;
  /** The instructor's sandbox: room-<code>-<secret>, named only to the instructor. */
  sandbox: string;
  /** The address that started the room (its share of ROOM_MAX). */
  creator: string;
  createdAt: Date;
  lastActivity: number;
  students: Map<string, Student>;
  faults: FaultSettings;
  inboxId: string;
  /** Recent broadcasts (already redacted), oldest first, for the `state` event: each kept only as the JSON
   *  bytes the hub published (shared with its replay buffer) and its eventId, not as a parsed copy. */
  broadcasts: KeptJson[];
  broadcastSeq: number;
  /** Recent captures of the room's inbox (redacted previews), oldest first, as JSON bytes. */
  captures: KeptJson[];
  goal: PushedGoal | null;
  goalSeq: number;
  instructorConnections: number;
}

/** Who is asking: the instructor, or one student of the room. */
export type Member = { role: 'instructor' } | { role: 'student'; student: Student };

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

/** One kept entry of a room's recent lists: its JSON, in pieces that share the bytes the hub holds. */
export type KeptJson = readonly Buffer[];

function keptSize(item: KeptJson): number {
  return item.reduce((sum, piece) => sum + piece.length, 0);
}

/** A broadcast as the `state` event lists it: the event's JSON with its eventId added, sharing the bytes. */
function keptBroadcast(json: Buffer, eventId: string): KeptJson {
  return [json.subarray(0, json.length - 1), Buffer.from(`,"eventId":${JSON.stringify(eventId)}}`)];
}

function parseKept<T>(item: KeptJson): T {
  return JSON.parse(Buffer.concat(item).toString('utf8')) as T;
}

/** The newest `max` entries, and no more than RECENT_BYTES of them as really held (a few huge transcripts
 *  cannot fill every state event): the oldest go first. */
function keepRecent(list: KeptJson[], max: number): KeptJson[] {
  let kept = list.slice(-max);
  let bytes = kept.reduce((sum, item) => sum + keptSize(item), 0);
  while (kept.length > 1 && bytes > RECENT_BYTES) {
    bytes -= keptSize(kept[0]!);
    kept = kept.slice(1);
  }
  return kept;
}

/** A student as a snapshot or journal record keeps it (Buffers as base64, dates as ISO strings, no live
 *  connections). Records written before goals and data sharing existed lack those fields. */
type SavedStudent = Omit<Student, 'keyDigest' | 'joinedAt' | 'goal' | 'sharesData' | 'sandbox'> & { keyDigest: string; joinedAt: string; goal?: GoalReport | null; sharesData?: boolean };
/** A room as a snapshot or journal record keeps it. Snapshots written before goals and recent lists existed
 *  lack those fields: they start empty. */
type SavedRoom = Omit<Room, 'keyDigest' | 'joinSecretDigest' | 'createdAt' | 'students' | 'broadcasts' | 'broadcastSeq' | 'captures' | 'goal' | 'goalSeq'> &
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

function saveStudent(student: Student): SavedStudent {
  const { sandbox: _sandbox, ...rest } = student;
  return { ...rest, keyDigest: student.keyDigest.toString('base64'), joinedAt: student.joinedAt.toISOString(), connections: 0 };
}

function loadStudent(code: string, saved: SavedStudent): Student {
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

function saveRoom(room: Room): SavedRoom {
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
function loadRoom(raw: SavedRoom): Room | undefined {
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
  /** The rooms by code: at most ROOM_MAX, a quarter of them per address, idle ones closed (registry.ts). */
  readonly #rooms: ExpiringRegistry<Room>;
  /** Stops relaying each room's inboxes (by room code). */
  readonly #unfollow = new Map<string, (() => void)[]>();
  /** Receives every change worth keeping through a crash (persistence journals it before answering). */
  onRecord: ((record: RoomRecord) => void) | undefined;

  /** Every room as plain JSON (Buffers as base64, dates as ISO strings, no live connections), for a snapshot. */
  exportState(): unknown[] {
    return this.#rooms.values().map(saveRoom);
  }

  importState(saved: unknown[]): void {
    for (const raw of saved as SavedRoom[]) {
      const room = loadRoom(raw);
      if (room) this.#add(room);
    }
  }

  /** Applies a journalled change again (at start, after the snapshot). */
  applyRecord(record: RoomRecord): void {
    if (record.op === 'create') {
      const room = loadRoom(record.room);
      if (room) this.#add(room);
      return;
    }
    const room = this.#rooms.peek(record.code);
    if (!room) return;
    if (record.op === 'join') {
      const student = loadStudent(room.code, record.student);
      room.students.set(student.id, student);
      this.#follow(room, student.inboxId);
    } else if (record.op === 'shared') {
      const student = room.students.get(record.id);
      if (student) Object.assign(student, { ...record.state, goal: record.state.goal ?? null, sharesData: record.state.sharesData ?? false });
    } else if (record.op === 'faults') {
      room.faults = record.faults;
    } else if (record.op === 'goal') {
      room.goal = record.goal;
      room.goalSeq = record.goalSeq;
    } else {
      this.#rooms.forget(room.code);
      this.#unfollowAll(room);
    }
  }

  #record(record: RoomRecord): void {
    this.onRecord?.(record);
  }

  /** Puts back a room as a snapshot or the journal kept it, relaying its inboxes again. */
  #add(room: Room): void {
    this.#rooms.restore(room);
    for (const inboxId of [room.inboxId, ...[...room.students.values()].map((student) => student.inboxId)]) this.#follow(room, inboxId);
  }

  /** Stops relaying a room's inboxes (it closed). */
  #unfollowAll(room: Room): void {
    for (const stop of this.#unfollow.get(room.code) ?? []) stop();
    this.#unfollow.delete(room.code);
  }

  readonly #options: RoomServiceOptions;

  constructor(options: RoomServiceOptions) {
    this.#options = options;
    this.#rooms = new ExpiringRegistry<Room>({
      max: options.max,
      idleMs: options.idleMs,
      now: options.now,
      keyOf: (room) => room.code,
      lastActivityOf: (room) => room.lastActivity,
      ownerOf: (room) => room.creator,
      openStreams: (room) => options.streams.count(roomChannel(room.code)),
      expire: (room) => void this.close(room, 'expired'),
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
          { headers: { 'retry-after': String(CAPACITY_RETRY_AFTER_S) }, extra: { limit: this.#rooms.perOwnerMax } },
        ),
      onAdded: (room) => this.#record({ op: 'create', room: saveRoom(room) }),
      onRemoved: (room) => {
        this.#unfollowAll(room);
        this.#record({ op: 'close', code: room.code });
      },
    });
  }

  /** Relays the captures of one of the room's inboxes to the room: the inbox publishes each capture on its
   *  hub channel, and the room listens there (until the inbox's channel is dropped with the inbox). */
  #follow(room: Room, inboxId: string): void {
    const stop = this.#options.hub.subscribe(inboxChannel(inboxId), (event, data) => {
      if (event.type === 'capture') void this.#relayCapture(room, inboxId, (data as InboxEvents['capture']).request);
    });
    const stops = this.#unfollow.get(room.code);
    if (stops) stops.push(stop);
    else this.#unfollow.set(room.code, [stop]);
  }

  get size(): number {
    return this.#rooms.size;
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
  create(title: string, creator: string): { room: Room; created: RoomCreated } {
    this.#rooms.admit(creator);
    let code = newRoomCode();
    while (this.#rooms.has(code)) code = newRoomCode();
    const { inbox, key: inboxKey } = this.#options.inboxes.create('room', code);
    const instructorKey = newKey();
    const joinSecret = newJoinSecret();
    const now = this.#nowMs();
    const room: Room = {
      code,
      title,
      keyDigest: digestKey(instructorKey),
      joinSecretDigest: digestKey(joinSecret),
      sandbox: roomSandboxId(code, newRoomSandboxSecret()),
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
    this.#rooms.add(room);
    this.#follow(room, inbox.id);
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
  get(code: string): Room | undefined {
    const normalized = normalizeRoomCode(code);
    return ROOM_CODE.test(normalized) ? this.#rooms.get(normalized) : undefined;
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

  /** The faults of a room, for the toy API's hook. */
  faultsOf(code: string): FaultSettings | undefined {
    return this.#rooms.peek(code)?.faults;
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
  authorize(room: Room, key: string | undefined, need: 'member' | 'instructor', action: string): { room: Room; member: Member } {
    const where = `Instructors received their key when they made room ${room.code}; students receive theirs when they join it.`;
    const member = requireKey(key, { what: `room ${room.code}`, where, realm: 'room', notThis: 'A join code is not a key.' }, (k) => this.identify(room, k));
    if (need === 'instructor' && member.role !== 'instructor') {
      throw new HttpProblem('instructor-only', `Only the instructor of room ${room.code} may ${action}; this is a student's key.`);
    }
    const now = this.#nowMs();
    room.lastActivity = now;
    if (member.role === 'student') member.student.lastSeen = now;
    return { room, member };
  }

  /** The student who holds `key` in the room (403 for the instructor's key). */
  authorizeStudent(room: Room, key: string | undefined, action: string): { room: Room; student: Student } {
    const { member } = this.authorize(room, key, 'member', action);
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

  async join(room: Room, name: string): Promise<StudentJoined> {
    if (room.students.size >= this.#options.studentMax) {
      throw new HttpProblem(
        'room-full',
        `Room ${room.code} already has ${this.#options.studentMax} students, as many as it may. Ask your instructor to open a second room.`,
        { extra: { limit: this.#options.studentMax } },
      );
    }
    // Two students whose names look alike would pass for each other on the roster (case, accents,
    // Cyrillic а for Latin a, full-width letters): the second one chooses another.
    const skeleton = nameSkeleton(name);
    const twin = [...room.students.values()].find((student) => nameSkeleton(student.name) === skeleton);
    if (twin) {
      throw new HttpProblem(
        'conflict',
        `Someone in room ${room.code} already goes by ${JSON.stringify(twin.name)}, and ${JSON.stringify(name)} would look the same on the roster. Add something that tells you apart, such as your surname's initial (${JSON.stringify(`${name} K.`)}).`,
        { errors: [{ field: 'name', location: 'body', message: `looks like ${JSON.stringify(twin.name)}, who is already in the room` }] },
      );
    }
    let id = newStudentId();
    while (room.students.has(id)) id = newStudentId();
    const { inbox, key: inboxKey } = this.#options.inboxes.create('student', room.code);
    const studentKey = newKey();
    const now = this.#nowMs();
    const student: Student = {
      id,
      name,
      keyDigest: digestKey(studentKey),
      joinedAt: new Date(now),
      lastSeen: now,
      connections: 0,
      lastExchange: null,
      progress: null,
      goal: null,
      sharesData: false,
      sandbox: roomSandboxId(room.code, id),
      inboxId: inbox.id,
    };
    room.students.set(id, student);
    this.#follow(room, inbox.id);
    room.lastActivity = now;
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
    room.broadcastSeq += 1;
    const broadcast: Broadcast = { transcript: shown, hidden, seq: room.broadcastSeq, ...(note === undefined ? {} : { note }) };
    const event = await this.#publish(room, 'broadcast', broadcast);
    room.broadcasts = keepRecent([...room.broadcasts, keptBroadcast(event.json, event.id)], RECENT_BROADCASTS);
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
      room.goalSeq += 1;
      room.goal = { id: room.goalSeq, ...goal };
      this.#record({ op: 'goal', code: room.code, goal: room.goal, goalSeq: room.goalSeq });
      pushed = { ...rest, goal: room.goal };
    }
    return this.#publish(room, 'try-this', pushed, tryThis.studentId === undefined ? 'all' : `student:${tryThis.studentId}`);
  }

  async setFaults(room: Room, faults: FaultSettings): Promise<{ faults: FaultSettings; changed: (keyof FaultSettings)[] }> {
    const changed = changedSwitches(room.faults, faults);
    room.faults = faults;
    if (changed.length > 0) this.#record({ op: 'faults', code: room.code, faults });
    if (changed.length > 0) await this.#publish(room, 'faults', { faults, changed });
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
    const { lastExchange, progress, goal, sharesData } = student;
    this.#record({ op: 'shared', code: room.code, id: student.id, state: { lastExchange, progress, goal, sharesData } });
    const entry = this.rosterEntry(student);
    await this.#publish(room, 'progress', { student: entry }, 'instructor');
    return entry;
  }

  /** The `state` event for one member: sent first on every fresh connection. Its recent broadcasts and
   *  captures are written as the bytes the room keeps (no copy per stream). */
  snapshot(room: Room, member: Member, missed: boolean): Buffer[] {
    const plain: Omit<RoomEvents['state'], 'broadcasts' | 'captures'> = {
      room: this.info(room),
      faults: room.faults,
      you: member.role === 'instructor' ? { role: 'instructor' } : { role: 'student', studentId: member.student.id, name: member.student.name },
      goal: room.goal,
      ...(member.role === 'instructor' ? { roster: this.roster(room) } : {}),
      missed,
    };
    return jsonWithLists(plain, { broadcasts: room.broadcasts, captures: room.captures });
  }

  /** A member's event stream opened (+1) or closed (-1): the instructor hears about students. */
  async presence(room: Room, member: Member, delta: 1 | -1): Promise<void> {
    const now = this.#nowMs();
    room.lastActivity = now;
    if (member.role === 'instructor') {
      room.instructorConnections += delta;
      return;
    }
    const { student } = member;
    student.connections += delta;
    student.lastSeen = now;
    if (this.#rooms.peek(room.code) !== room) return;
    await this.#publish(room, 'presence', { studentId: student.id, connected: student.connections > 0, connections: student.connections }, 'instructor');
  }

  /** Room inbox captures go to everyone in the room; a student inbox's to that student only. */
  async #relayCapture(room: Room, inboxId: string, capture: CapturedRequest): Promise<void> {
    if (this.#rooms.peek(room.code) !== room) return;
    const request = { ...capture, body: previewBodyView(capture.body, ROOM_CAPTURE_PREVIEW_BYTES) };
    if (inboxId === room.inboxId) {
      // Everyone in the room sees it (the projector too); the inbox masked the sender's credentials
      // when it kept the capture.
      room.captures = keepRecent([...room.captures, [Buffer.from(JSON.stringify(request))]], RECENT_CAPTURES);
      await this.#publish(room, 'capture', { inboxId, scope: 'room', request });
      return;
    }
    const owner = [...room.students.values()].find((student) => student.inboxId === inboxId);
    if (owner) await this.#publish(room, 'capture', { inboxId, scope: 'you', request }, `student:${owner.id}`);
  }

  /** Ends a room at once: its streams hear why and end, its inboxes and its channel go. */
  async close(room: Room, reason: 'closed' | 'expired'): Promise<void> {
    if (!this.#rooms.remove(room)) return;
    const inboxIds = [room.inboxId, ...[...room.students.values()].map((student) => student.inboxId)];
    const channel = roomChannel(room.code);
    await this.#publish(room, 'room-closed', { reason });
    this.#options.streams.closeTag(channel);
    await this.#options.hub.drop(channel);
    for (const id of inboxIds) {
      const inbox = this.#options.inboxes.get(id);
      if (inbox) await this.#options.inboxes.remove(inbox, 'room-closed');
    }
  }

  /** Closes idle rooms: nobody connected for the idle time. */
  sweep(): void {
    this.#rooms.sweep();
  }
}
