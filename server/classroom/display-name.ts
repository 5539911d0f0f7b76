// A student's display name: shown on the instructor's projector, so it is checked and tidied here.
// It is always stored and sent as plain text (JSON strings); the client renders it as text, never HTML.
import { DISPLAY_NAME_MAX, ROOM_TITLE_MAX } from './limits';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

// Control characters and format characters (bidi overrides such as U+202E can make a name display
// backwards, zero-width characters make two names look the same).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u;
const VISIBLE = /[\p{L}\p{N}]/u;

/** Tidies a name (NFC, runs of spaces become one, ends trimmed) and says why it cannot be used. */
export function checkDisplayName(input: unknown): NameCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'Send your name as a JSON string, for example {"name": "Maya"}.' };
  const name = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name === '') return { ok: false, reason: 'The name is empty. Type the name your instructor should see, for example "Maya".' };
  if (INVISIBLE.test(name)) {
    return { ok: false, reason: 'The name contains invisible or control characters. Type it again using letters, digits, spaces and punctuation.' };
  }
  if (!VISIBLE.test(name)) return { ok: false, reason: 'The name needs at least one letter or digit.' };
  const length = [...name].length;
  if (length > DISPLAY_NAME_MAX) {
    return { ok: false, reason: `The name is ${length} characters long; use at most ${DISPLAY_NAME_MAX}.` };
  }
  return { ok: true, name };
}

/** A room title (optional, shown to students): the same tidying and invisible-character rule. */
export function checkRoomTitle(input: string): NameCheck {
  const title = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (INVISIBLE.test(title)) {
    return { ok: false, reason: 'The title contains invisible or control characters. Type it again using letters, digits, spaces and punctuation.' };
  }
  if ([...title].length > ROOM_TITLE_MAX) return { ok: false, reason: `The title is too long; use at most ${ROOM_TITLE_MAX} characters.` };
  return { ok: true, name: title };
}
