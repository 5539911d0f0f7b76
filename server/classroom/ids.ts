// Room codes, inbox ids, student ids and secret keys, and the constant-time check of a key.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Room codes use consonants only, without look-alikes (no I/L, O, no vowels so no words). Eight of them,
 * shown as two groups of four (KXMP-QRTW): 19^8 ≈ 1.7 × 10^10 codes. Guessing from one address at
 * ROOM_CODE_FAILURES_PER_MINUTE (60) finds a room about once in 2.7 years of trying day and night while the
 * server holds its most rooms (200), once in a century with 5 open; four letters (130,321 codes) fell in
 * half a minute at 4,200 unlimited guesses a second.
 */
export const ROOM_CODE_ALPHABET = 'BCDFGHJKMNPQRSTVWXZ';
export const ROOM_CODE_LENGTH = 8;
export const ROOM_CODE = new RegExp(`^[${ROOM_CODE_ALPHABET}]{${ROOM_CODE_LENGTH}}$`);

/** Ids that appear in URLs and sandbox names: lower case, no 0/o or 1/l. */
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export const INBOX_ID_LENGTH = 12;
export const INBOX_ID = new RegExp(`^[${ID_ALPHABET}]{${INBOX_ID_LENGTH}}$`);
export const STUDENT_ID_LENGTH = 8;

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function newRoomCode(): string {
  return pick(ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH);
}

/** A typed-in code as stored: upper case, spaces and dashes removed ("kxmp-qrtw" → "KXMPQRTW"). */
export function normalizeRoomCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** The secret a room's join link and QR code carry: joining with it skips the wrong-code budget. */
export function newJoinSecret(): string {
  return randomBytes(16).toString('base64url');
}

/** The instructor's sandbox in a room: 12 characters no one can derive from the room code. */
export const ROOM_SANDBOX_SECRET_LENGTH = 12;
export function newRoomSandboxSecret(): string {
  return pick(ID_ALPHABET, ROOM_SANDBOX_SECRET_LENGTH);
}

export function newInboxId(): string {
  return pick(ID_ALPHABET, INBOX_ID_LENGTH);
}

export function newStudentId(): string {
  return pick(ID_ALPHABET, STUDENT_ID_LENGTH);
}

/** A secret key: 256 random bits, base64url (43 characters). */
export function newKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Keys are kept as SHA-256 digests: equal length for timingSafeEqual, and no plain key in memory dumps. */
export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** True when `key` is the key whose digest is `digest`, compared in constant time. */
export function keyMatches(key: string, digest: Buffer): boolean {
  return timingSafeEqual(digestKey(key), digest);
}
