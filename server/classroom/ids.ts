// Room codes, inbox ids, student ids and secret keys, and the constant-time check of a key.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Room codes use consonants only, without look-alikes (no I/L, O, no vowels so no words): 19^4 codes. */
export const ROOM_CODE_ALPHABET = 'BCDFGHJKMNPQRSTVWXZ';
export const ROOM_CODE_LENGTH = 4;
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

/** A typed-in code as stored: upper case, spaces and dashes removed ("kx mp" → "KXMP"). */
export function normalizeRoomCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
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
