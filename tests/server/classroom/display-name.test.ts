import { describe, expect, it } from 'vitest';
import { checkDisplayName, checkRoomTitle } from '../../../server/classroom/display-name';

describe('display names', () => {
  it.each([
    ['Maya', 'Maya'],
    ['  Ada   Lovelace ', 'Ada Lovelace'],
    ['Zoë', 'Zoë'],
    ['Zoe\u0308', 'Zoë'],
    ['李雷', '李雷'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['x'.repeat(40), 'x'.repeat(40)],
  ])('accepts %j as %j (stored as text, never as HTML)', (input, name) => {
    expect(checkDisplayName(input)).toEqual({ ok: true, name });
  });

  it.each([
    ['an empty name', '   ', /empty/],
    ['a name of only punctuation', '!!!', /letter or digit/],
    ['a right-to-left override', 'evil\u202Egnp.exe', /invisible or control/],
    ['a zero-width space', 'Ma\u200Bya', /invisible or control/],
    ['a name too long', 'x'.repeat(41), /41 characters long; use at most 40/],
    ['a number instead of a string', 42, /JSON string/],
  ])('refuses %s', (_what, input, reason) => {
    const result = checkDisplayName(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('room titles', () => {
  it.each([
    ['', true],
    ['  HTTP   101 ', true],
    ['Status\u202Ecodes', false],
    ['x'.repeat(81), false],
  ])('%j is allowed: %s', (title, ok) => {
    expect(checkRoomTitle(title).ok).toBe(ok);
  });
});
