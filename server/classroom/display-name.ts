// A student's display name: shown on the instructor's projector, so it is checked and tidied here.
// It is always stored and sent as plain text (JSON strings); the client renders it as text, never HTML.
import { DISPLAY_NAME_MAX, ROOM_TITLE_MAX } from './limits';

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

// Control characters and format characters (bidi overrides such as U+202E can make a name display
// backwards, zero-width characters make two names look the same).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u;
const VISIBLE = /[\p{L}\p{N}]/u;

/** Scripts whose letters look like each other's (а/a, ο/o, р/p): a name may use one of them, not several. */
const SPOOFABLE_SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];

/** Letters of other scripts, and digits, that pass for a Latin letter on a projector. */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', ζ: 'z',
  '0': 'o', '1': 'l', '|': 'l', '5': 's', '$': 's', '@': 'a',
};

/**
 * What a name looks like on the roster, for telling two names apart: compatibility forms folded (full-width
 * Ｍａｙａ is Maya), accents dropped, case ignored, look-alike letters and digits mapped to one, "rn" read as
 * "m", and spaces and punctuation left out. Two names with the same skeleton would pass for each other.
 */
export function nameSkeleton(name: string): string {
  // Upper-case I and lower-case l are one stroke in most projector fonts.
  const folded = name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/I/g, 'l').toLowerCase();
  const mapped = [...folded].map((ch) => LOOK_ALIKES[ch] ?? ch).join('');
  return mapped.replace(/rn/g, 'm').replace(/[^\p{L}\p{N}]/gu, '');
}

/** Tidies a name (NFC, runs of spaces become one, ends trimmed) and says why it cannot be used. */
export function checkDisplayName(input: unknown): NameCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'Send your name as a JSON string, for example {"name": "Maya"}.' };
  const name = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name === '') return { ok: false, reason: 'The name is empty. Type the name your instructor should see, for example "Maya".' };
  if (INVISIBLE.test(name)) {
    return { ok: false, reason: 'The name contains invisible or control characters. Type it again using letters, digits, spaces and punctuation.' };
  }
  if (!VISIBLE.test(name)) return { ok: false, reason: 'The name needs at least one letter or digit.' };
  const scripts = SPOOFABLE_SCRIPTS.filter(([, letters]) => letters.test(name)).map(([script]) => script);
  if (scripts.length > 1) {
    return { ok: false, reason: `The name mixes ${scripts.join(' and ')} letters, which can make it look like someone else's. Type it in one alphabet.` };
  }
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
