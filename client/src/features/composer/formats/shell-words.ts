// Splits a command line into words the way bash would for what people paste: single quotes, double
// quotes with backslash escapes, $'…' ANSI-C quoting, backslash escapes and continuations ("\" at the end
// of a line, and PowerShell's "`"). Operators (| && ; > <…) become tokens of their own so the caller can
// find the curl command in a pipeline. Nothing is expanded: $VAR, $(…) and `…` stay as written and are
// reported, because the sandbox cannot know their values.
import { concatBytes, utf8Bytes, utf8Text, utf8TextLossy } from './bytes';

export interface WordToken {
  kind: 'word';
  value: string;
  /** The word's bytes, only when they are not valid UTF-8 (from $'\xff'-style escapes). */
  bytes?: Uint8Array;
  /** Offset of the word's first character in the input. */
  start: number;
  /** Shell expansions left unexpanded ($TOKEN, $(cat f), `date`), as written. */
  expansions: string[];
  /** Places where bash would read the word differently from what the author meant. */
  hazards: string[];
}

export interface OperatorToken {
  kind: 'operator';
  /** |, ||, &&, &, ;, a redirection such as > or 2>, or "\n" for a line break that ends a command. */
  value: string;
  start: number;
}

export type ShellToken = WordToken | OperatorToken;

/** A quote that is never closed, and the like: the command cannot be read at all. */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the input where the problem starts. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** Longest first, so ">>" wins over ">". */
const OPERATORS = ['<<<', '&>>', '||', '&&', '|&', '>>', '>&', '<&', '&>', '>|', '<>', '<<', '|', '&', ';', '>', '<'];

const ANSI_C_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** Runs a sticky pattern at `at` without copying the rest of the input (pastes can be large). */
function matchAt(pattern: RegExp, input: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(input);
}

const NAME_AFTER_DOLLAR = /[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]/y;
const HEX_ESCAPE = /x([0-9a-fA-F]{1,2})/y;
const OCTAL_ESCAPE = /[0-7]{1,3}/y;
const UNICODE_ESCAPE = /u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}/y;

/** A short excerpt of the input from `at`, for error messages. */
export function excerpt(input: string, at: number, length = 24): string {
  const text = input.slice(at, at + length).replace(/\s+/g, ' ');
  return at + length < input.length ? `${text}…` : text;
}

function newlineLength(input: string, at: number): number {
  if (input[at] === '\n') return 1;
  if (input[at] === '\r' && input[at + 1] === '\n') return 2;
  return 0;
}

/** The end (exclusive) of a $(…) or ${…} that opens at `at` (the "$"); quotes inside are skipped. */
function endOfGroup(input: string, at: number, open: string, close: string): number {
  let depth = 0;
  for (let i = at + 1; i < input.length; i += 1) {
    const ch = input[i]!;
    if (ch === '\\') {
      i += 1;
    } else if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) break;
      i = end;
    } else if (ch === open) {
      depth += 1;
    } else if (ch === close) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new ShellSyntaxError(
    `The ${input.slice(at, at + 2)} at character ${at + 1} is never closed with ${close}: ${excerpt(input, at)}`,
    at,
  );
}

/** The length of an expansion starting at a "$" (0 when the "$" is just a dollar sign). */
function expansionLength(input: string, at: number): number {
  const next = input[at + 1];
  if (next === '(') return endOfGroup(input, at, '(', ')') - at;
  if (next === '{') return endOfGroup(input, at, '{', '}') - at;
  const name = matchAt(NAME_AFTER_DOLLAR, input, at + 1);
  return name ? name[0].length + 1 : 0;
}

export function tokenizeShell(input: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  // The word being read: text pieces, and raw bytes from \x / octal escapes in $'…'.
  let pieces: (string | Uint8Array)[] | undefined;
  let wordStart = 0;
  let expansions: string[] = [];
  let hazards: string[] = [];
  let quoted = false;
  let i = 0;

  const begin = () => {
    if (pieces) return;
    pieces = [];
    wordStart = i;
    expansions = [];
    hazards = [];
    quoted = false;
  };
  const add = (text: string | Uint8Array) => {
    begin();
    pieces!.push(text);
  };
  const finish = () => {
    if (!pieces) return;
    const token: WordToken = { kind: 'word', value: '', start: wordStart, expansions, hazards };
    if (pieces.some((p) => typeof p !== 'string')) {
      const bytes = concatBytes(pieces.map((p) => (typeof p === 'string' ? utf8Bytes(p) : p)));
      const text = utf8Text(bytes);
      token.value = text ?? utf8TextLossy(bytes);
      if (text === undefined) token.bytes = bytes;
    } else {
      token.value = pieces.join('');
    }
    tokens.push(token);
    pieces = undefined;
  };
  const expansion = (length: number) => {
    const text = input.slice(i, i + length);
    add(text);
    expansions.push(text);
    i += length;
  };

  while (i < input.length) {
    const ch = input[i]!;
    const nl = newlineLength(input, i + 1);
    // bash "\⏎" and PowerShell "`⏎" join lines; the line break disappears entirely.
    if ((ch === '\\' || ch === '`') && nl > 0) {
      i += 1 + nl;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      finish();
      i += 1;
      continue;
    }
    const here = newlineLength(input, i);
    if (here > 0) {
      finish();
      tokens.push({ kind: 'operator', value: '\n', start: i });
      i += here;
      continue;
    }
    if (ch === '#' && !pieces) {
      // A comment runs to the end of the line.
      while (i < input.length && newlineLength(input, i) === 0) i += 1;
      continue;
    }
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) {
        throw new ShellSyntaxError(
          `The single quote (') at character ${i + 1} is never closed: ${excerpt(input, i)}. Add the closing ', and write a ' inside single quotes as '\\''.`,
          i,
        );
      }
      add(input.slice(i + 1, end));
      quoted = true;
      i = end + 1;
      continue;
    }
    if (ch === '$' && input[i + 1] === "'") {
      const opened = i;
      begin();
      quoted = true;
      i += 2;
      let text = '';
      const flush = () => {
        if (text) pieces!.push(text);
        text = '';
      };
      while (i < input.length && input[i] !== "'") {
        if (input[i] !== '\\') {
          text += input[i];
          i += 1;
          continue;
        }
        const esc = input[i + 1] ?? '';
        const hex = matchAt(HEX_ESCAPE, input, i + 1);
        const octal = matchAt(OCTAL_ESCAPE, input, i + 1);
        const unicode = matchAt(UNICODE_ESCAPE, input, i + 1);
        if (hex || octal) {
          flush();
          const value = hex ? parseInt(hex[1]!, 16) : parseInt(octal![0], 8) & 0xff;
          pieces!.push(Uint8Array.of(value));
          i += 1 + (hex ? hex[0].length : octal![0].length);
        } else if (unicode) {
          const code = parseInt(unicode[0].slice(1), 16);
          text += code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
          i += 1 + unicode[0].length;
        } else if (esc === 'c' && input[i + 2] !== undefined) {
          // \cX is control-X.
          text += String.fromCharCode(input[i + 2]!.toUpperCase().charCodeAt(0) & 0x1f);
          i += 3;
        } else if (esc in ANSI_C_ESCAPES) {
          text += ANSI_C_ESCAPES[esc];
          i += 2;
        } else {
          text += `\\${esc}`;
          i += 2;
        }
      }
      if (i >= input.length) {
        throw new ShellSyntaxError(`The $'…' quote at character ${opened + 1} is never closed: ${excerpt(input, opened)}. Add the closing '.`, opened);
      }
      flush();
      i += 1;
      continue;
    }
    if (ch === '"' || (ch === '$' && input[i + 1] === '"')) {
      // $"…" is bash's translated string; it reads like "…".
      const opened = i;
      begin();
      quoted = true;
      i += ch === '$' ? 2 : 1;
      let text = '';
      while (i < input.length && input[i] !== '"') {
        const c = input[i]!;
        if (c === '\\') {
          const next = input[i + 1] ?? '';
          const nlAfter = newlineLength(input, i + 1);
          if (nlAfter > 0) {
            i += 1 + nlAfter;
          } else if ('$`"\\'.includes(next) && next !== '') {
            text += next;
            i += 2;
          } else {
            text += '\\';
            i += 1;
          }
        } else if (c === '$' && expansionLength(input, i) > 0) {
          const length = expansionLength(input, i);
          const written = input.slice(i, i + length);
          text += written;
          expansions.push(written);
          i += length;
        } else if (c === '`') {
          const end = input.indexOf('`', i + 1);
          if (end === -1) throw new ShellSyntaxError(`The backquote (\`) at character ${i + 1} is never closed: ${excerpt(input, i)}.`, i);
          const written = input.slice(i, end + 1);
          text += written;
          expansions.push(written);
          i = end + 1;
        } else {
          text += c;
          i += 1;
        }
      }
      if (i >= input.length) {
        throw new ShellSyntaxError(
          `The double quote (") at character ${opened + 1} is never closed: ${excerpt(input, opened)}. Add the closing ", and write a " inside double quotes as \\".`,
          opened,
        );
      }
      pieces!.push(text);
      i += 1;
      continue;
    }
    if (ch === '\\') {
      add(input[i + 1] ?? '');
      quoted = true;
      i += 2;
      continue;
    }
    if (ch === '$') {
      const length = expansionLength(input, i);
      if (length > 0) {
        expansion(length);
        continue;
      }
    }
    if (ch === '`') {
      const end = input.indexOf('`', i + 1);
      if (end === -1) throw new ShellSyntaxError(`The backquote (\`) at character ${i + 1} is never closed: ${excerpt(input, i)}.`, i);
      expansion(end + 1 - i);
      continue;
    }
    if ('|&;<>'.includes(ch)) {
      // An "&" inside a word (an unquoted URL with a query) ends the command in bash; read it as the
      // author meant, and say so.
      if (ch === '&' && pieces && input[i + 1] !== undefined && !/[\s|&;<>]/.test(input[i + 1]!)) {
        hazards.push('An unquoted & ends the command in bash (what follows runs separately); put the word in single quotes.');
        add('&');
        i += 1;
        continue;
      }
      const op = OPERATORS.find((o) => input.startsWith(o, i))!;
      // "2>" and "2>&1": a file descriptor written just before a redirection belongs to it.
      let value = op;
      let start = i;
      if (pieces && !quoted && (op.startsWith('>') || op.startsWith('<')) && pieces.every((p) => typeof p === 'string' && /^\d*$/.test(p)) && pieces.join('') !== '') {
        value = `${pieces.join('')}${op}`;
        start = wordStart;
        pieces = undefined;
      } else {
        finish();
      }
      tokens.push({ kind: 'operator', value, start });
      i += op.length;
      continue;
    }
    add(ch);
    i += 1;
  }
  finish();
  return tokens;
}
