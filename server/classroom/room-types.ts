// What a room is made of, as the room service and the room stores (memory, Redis) hold it.
import type { ExchangeSummary, FaultSettings, GoalReport, LessonProgress, PushedGoal } from '../protocol/classroom-types';

/** One kept entry of a room's recent lists: its JSON, in pieces that share the bytes the hub holds. */
export type KeptJson = readonly Buffer[];

export interface Student {
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
