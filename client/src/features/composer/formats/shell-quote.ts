// Quoting for bash, so a generated command sends exactly the bytes it was given.
//  - Plain words stay bare; anything else goes in single quotes, where bash changes nothing (a ' inside
//    is written '\'').
//  - Control characters (other than a line break) and bytes that are not UTF-8 use $'…', where they can
//    be written as escapes (\r, \t, \x00-style) instead of raw bytes a terminal might swallow.
//  - NUL cannot be in any bash word, so bytes with NUL in them go through printf instead (printfBytes).
import { utf8Bytes, utf8SequenceLength } from './bytes';

const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
const decoder = new TextDecoder();

const ANSI_C_NAMED: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x1b: '\\e' };

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Whether bytes can be written as a bash word at all (no NUL byte). */
export function canQuoteForShell(bytes: Uint8Array): boolean {
  return !bytes.includes(0);
}

/**
 * Bytes as one bash word. Uses '…' when the bytes are UTF-8 text whose only control character is the line
 * break, $'…' otherwise. The bytes must not contain NUL (check with canQuoteForShell).
 */
export function quoteBytesForShell(bytes: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    const byte = bytes[i]!;
    if (length === 0 || (byte < 0x20 && byte !== 0x0a) || byte === 0x7f) {
      plain = false;
      break;
    }
    i += length;
  }
  const text = decoder.decode(bytes);
  if (plain) return quoteForShell(text);
  let out = "$'";
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    const byte = bytes[i]!;
    if (length > 1) {
      out += decoder.decode(bytes.subarray(i, i + length));
      i += length;
      continue;
    }
    i += 1;
    if (length === 0 || byte < 0x20 || byte === 0x7f) out += ANSI_C_NAMED[byte] ?? `\\x${hex(byte)}`;
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else out += String.fromCharCode(byte);
  }
  return `${out}'`;
}

/** Text as one bash word (bare when it is plainly safe). */
export function quoteForShell(text: string): string {
  if (BARE_WORD.test(text)) return text;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(text)) return quoteBytesForShell(utf8Bytes(text));
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** How printfBytes writes each single byte. */
const PRINTF_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x0a) return '\\n';
  if (byte === 0x0d) return '\\r';
  if (byte === 0x09) return '\\t';
  if (byte === 0x25) return '%%';
  if (byte === 0x5c) return '\\\\';
  if (byte === 0x27) return `'\\''`;
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\${byte.toString(8).padStart(3, '0')}`;
});

/**
 * A printf format (already quoted for bash) that writes exactly these bytes, NUL included: printable
 * characters as themselves, \n \r \t, and every other byte that is not part of UTF-8 text as a three-digit
 * octal escape. Octal and the format rules are POSIX, so bash's printf and /usr/bin/printf agree.
 */
export function printfBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 1) {
      parts.push(decoder.decode(bytes.subarray(i, i + length)));
      i += length;
    } else {
      parts.push(PRINTF_BYTE[bytes[i]!]!);
      i += 1;
    }
  }
  return `'${parts.join('')}'`;
}
