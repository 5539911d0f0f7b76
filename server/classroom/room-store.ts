// Where rooms are kept: in this process's memory (the default, journalled with DATA_DIR), or in Redis with
// REDIS_URL (server/store/redis/rooms.ts), so that every process behind one Redis sees the same rooms.
// The room service works on a `Room` it got from the store and changes it there first; each store method
// then makes that change the kept one. In memory the Room is the kept object itself, so most methods only
// bookkeep; in Redis each is one Lua script that checks the room still exists, so two processes cannot both
// take a room's last seat or the same display name.
import type { HttpProblem } from '../http/problem';
import type { FaultSettings, PushedGoal } from '../protocol/classroom-types';
import { nameSkeleton } from './display-name';
import { RECENT_BROADCASTS, RECENT_BYTES, RECENT_CAPTURES } from './limits';
import { ExpiringRegistry } from './registry';
import type { KeptJson, Member, Room, Student } from './room-types';

/** What the store needs from the service: the limits, the problems users see, how an idle room ends. */
export interface RoomStoreHooks {
  max: number;
  idleMs: number;
  now: () => Date;
  /** 503: the server holds ROOM_MAX rooms. */
  full: () => HttpProblem;
  /** 429: the address holds its share (a quarter of ROOM_MAX). */
  shareUsed: (held: number) => HttpProblem;
  /** Event streams open on the room in this process (memory: it does not expire while one is). */
  openStreams: (code: string) => number;
  /** Ends an idle room (memory; Redis rooms expire by TTL). */
  expire: (room: Room) => void;
  /** How often a process holding a room's event streams says so (shared store): a process silent for three
   *  of these is taken for gone, with its streams. */
  heartbeatMs?: number;
  /** Persistence (memory only): a room made or removed. */
  onAdded?: (room: Room) => void;
  onRemoved?: (room: Room) => void;
}

/** How a join went: the student is in, or why not (checked together, atomically). */
export type JoinOutcome = { kind: 'joined' } | { kind: 'gone' } | { kind: 'full' } | { kind: 'twin'; name: string } | { kind: 'id-taken' };

export type RecentList = 'broadcasts' | 'captures';

export interface RoomStore {
  /** Whether other processes see these rooms (Redis). */
  readonly shared: boolean;
  /** Rooms held (memory: in this process; Redis: on every process, expired ones counted until seen). */
  count(): Promise<number>;
  /** A quick check before a room's inbox is made: 503 when full, 429 when the address's share is used. */
  admit(creator: string): Promise<void>;
  /** Adds the room, checking the same limits atomically; false when its code is taken (draw another). */
  add(room: Room): Promise<boolean>;
  /** The room with this (normalized) code, ended first when it was idle too long. */
  get(code: string): Promise<Room | undefined>;
  /** The same without looking at its age (the service's own bookkeeping). */
  peek(code: string): Promise<Room | undefined>;
  /** The room was used now (lastActivity, and the student's lastSeen, already set on `room`). */
  touch(room: Room, student?: Student): Promise<void>;
  /** Adds the student unless the room is full or someone has a name of the same skeleton. */
  addStudent(room: Room, student: Student, studentMax: number): Promise<JoinOutcome>;
  /** Keeps what a student shares (already set on `student`). */
  saveStudent(room: Room, student: Student): Promise<void>;
  /** Keeps the fault switches (already set on `room`). */
  saveFaults(room: Room): Promise<void>;
  /** Makes `goal` the room's goal with the next goal number. */
  setGoal(room: Room, goal: Omit<PushedGoal, 'id'>): Promise<PushedGoal>;
  /** The next broadcast number. */
  nextBroadcastSeq(room: Room): Promise<number>;
  /** Keeps one entry on a recent list (the newest RECENT_* of it). */
  keep(room: Room, list: RecentList, item: KeptJson): Promise<void>;
  /** The recent lists, for the `state` event. */
  recent(room: Room): Promise<{ broadcasts: KeptJson[]; captures: KeptJson[] }>;
  /** A member's event streams: +1 or -1; the new count, or undefined when the room is gone. */
  connect(room: Room, member: Member, delta: 1 | -1): Promise<number | undefined>;
  /** Takes the room off; false when it was gone already (closed twice, or on two processes). */
  remove(room: Room): Promise<boolean>;
  /** The room's fault switches for the toy API's hook (synchronous when in memory). */
  faultsOf(code: string): FaultSettings | undefined | Promise<FaultSettings | undefined>;
  /** Ends idle rooms (memory). */
  sweep(): void;
}

const RECENT_MAX: Record<RecentList, number> = { broadcasts: RECENT_BROADCASTS, captures: RECENT_CAPTURES };

export function recentMax(list: RecentList): number {
  return RECENT_MAX[list];
}

function keptSize(item: KeptJson): number {
  return item.reduce((sum, piece) => sum + piece.length, 0);
}

/** The newest `max` entries, and no more than RECENT_BYTES of them as really held (a few huge transcripts
 *  cannot fill every state event): the oldest go first. */
export function keepRecent(list: KeptJson[], max: number): KeptJson[] {
  let kept = list.slice(-max);
  let bytes = kept.reduce((sum, item) => sum + keptSize(item), 0);
  while (kept.length > 1 && bytes > RECENT_BYTES) {
    bytes -= keptSize(kept[0]!);
    kept = kept.slice(1);
  }
  return kept;
}

/** Rooms in this process's memory: at most ROOM_MAX, a quarter of them per address, idle ones closed. */
export class MemoryRoomStore implements RoomStore {
  readonly shared = false;
  readonly registry: ExpiringRegistry<Room>;

  constructor(hooks: RoomStoreHooks) {
    this.registry = new ExpiringRegistry<Room>({
      max: hooks.max,
      idleMs: hooks.idleMs,
      now: hooks.now,
      keyOf: (room) => room.code,
      lastActivityOf: (room) => room.lastActivity,
      ownerOf: (room) => room.creator,
      openStreams: (room) => hooks.openStreams(room.code),
      expire: hooks.expire,
      full: hooks.full,
      shareUsed: hooks.shareUsed,
      ...(hooks.onAdded ? { onAdded: hooks.onAdded } : {}),
      ...(hooks.onRemoved ? { onRemoved: hooks.onRemoved } : {}),
    });
  }

  async count(): Promise<number> {
    return this.registry.size;
  }

  async admit(creator: string): Promise<void> {
    this.registry.admit(creator);
  }

  async add(room: Room): Promise<boolean> {
    this.registry.admit(room.creator);
    if (this.registry.has(room.code)) return false;
    this.registry.add(room);
    return true;
  }

  async get(code: string): Promise<Room | undefined> {
    return this.registry.get(code);
  }

  async peek(code: string): Promise<Room | undefined> {
    return this.registry.peek(code);
  }

  async touch(): Promise<void> {}

  async addStudent(room: Room, student: Student, studentMax: number): Promise<JoinOutcome> {
    if (this.registry.peek(room.code) !== room) return { kind: 'gone' };
    if (room.students.size >= studentMax) return { kind: 'full' };
    const skeleton = nameSkeleton(student.name);
    const twin = [...room.students.values()].find((other) => nameSkeleton(other.name) === skeleton);
    if (twin) return { kind: 'twin', name: twin.name };
    if (room.students.has(student.id)) return { kind: 'id-taken' };
    room.students.set(student.id, student);
    return { kind: 'joined' };
  }

  async saveStudent(): Promise<void> {}

  async saveFaults(): Promise<void> {}

  async setGoal(room: Room, goal: Omit<PushedGoal, 'id'>): Promise<PushedGoal> {
    room.goalSeq += 1;
    room.goal = { id: room.goalSeq, ...goal };
    return room.goal;
  }

  async nextBroadcastSeq(room: Room): Promise<number> {
    room.broadcastSeq += 1;
    return room.broadcastSeq;
  }

  async keep(room: Room, list: RecentList, item: KeptJson): Promise<void> {
    room[list] = keepRecent([...room[list], item], RECENT_MAX[list]);
  }

  async recent(room: Room): Promise<{ broadcasts: KeptJson[]; captures: KeptJson[] }> {
    return { broadcasts: room.broadcasts, captures: room.captures };
  }

  async connect(room: Room, member: Member, delta: 1 | -1): Promise<number | undefined> {
    let count: number;
    if (member.role === 'instructor') count = room.instructorConnections += delta;
    else count = member.student.connections += delta;
    return this.registry.peek(room.code) === room ? count : undefined;
  }

  async remove(room: Room): Promise<boolean> {
    return this.registry.remove(room);
  }

  faultsOf(code: string): FaultSettings | undefined {
    return this.registry.peek(code)?.faults;
  }

  sweep(): void {
    this.registry.sweep();
  }
}
