// Splits a command copied for Windows cmd.exe (browser dev tools' "Copy as cURL (cmd)") into words.
// Two parsers run there one after the other, and so here: cmd.exe removes its ^ escapes (outside its own
// "…" quoting) and joins lines that end in ^; then the program's C runtime splits the arguments, where
// "…" quotes and \" is a literal quote.
import { excerpt, ShellSyntaxError, type ShellToken, type WordToken } from './shell-words';

/**
 * True when the text reads as a cmd.exe command rather than a bash one: read as bash (`tokens`, or
 * undefined when bash could not read it), a word starts with ^" or a line ends with ^. Inside bash
 * quotes these are just characters, so a bash command with ^" in a quoted body stays bash.
 */
export function looksLikeCmd(input: string, tokens: ShellToken[] | undefined): boolean {
  if (!tokens) return /\^\r?\n/.test(input) || input.includes('^"');
  return tokens.some((token, i) => {
    if (token.kind !== 'word') return false;
    if (input.startsWith('^"', token.start)) return true;
    const next = tokens[i + 1];
    return token.value.endsWith('^') && next?.kind === 'operator' && next.value === '\n';
  });
}

interface Char {
  ch: string;
  /** Offset in the original input. */
  at: number;
}

/** cmd.exe's pass: ^x is a literal x, ^⏎ joins the next line; inside "…" carets are literal. */
function cmdPass(input: string): Char[] {
  const out: Char[] = [];
  let inQuotes = false;
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === '^' && !inQuotes) {
      let next = i + 1;
      if (input[next] === '\r' && input[next + 1] === '\n') next += 2;
      else if (input[next] === '\n') next += 1;
      // After a joined line, the first character of the next line is taken literally too.
      if (next < input.length) out.push({ ch: input[next]!, at: next });
      i = next;
      continue;
    }
    out.push({ ch, at: i });
  }
  return out;
}

export function tokenizeCmd(input: string): WordToken[] {
  const chars = cmdPass(input);
  const words: WordToken[] = [];
  let word: string | undefined;
  let start = 0;
  let expansions: string[] = [];
  let inQuotes = false;
  let quoteAt = 0;
  const finish = () => {
    if (word !== undefined) words.push({ kind: 'word', value: word, start, expansions, hazards: [] });
    word = undefined;
  };
  for (let i = 0; i < chars.length; i += 1) {
    const { ch, at } = chars[i]!;
    if (!inQuotes && /\s/.test(ch)) {
      finish();
      continue;
    }
    if (word === undefined) {
      word = '';
      start = at;
      expansions = [];
    }
    if (ch === '\\') {
      let n = 0;
      while (chars[i + n]?.ch === '\\') n += 1;
      if (chars[i + n]?.ch === '"') {
        // 2n backslashes before a quote are n backslashes; an odd one makes the quote literal.
        word += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          word += '"';
          i += n;
        } else {
          i += n - 1;
        }
      } else {
        word += '\\'.repeat(n);
        i += n - 1;
      }
      continue;
    }
    if (ch === '"') {
      if (inQuotes && chars[i + 1]?.ch === '"') {
        word += '"';
        i += 1;
        continue;
      }
      inQuotes = !inQuotes;
      quoteAt = at;
      continue;
    }
    if (ch === '%') {
      const variable = /^%[A-Za-z_][A-Za-z0-9_]*%/.exec(chars.slice(i, i + 64).map((c) => c.ch).join(''));
      if (variable) expansions.push(variable[0]);
    }
    word += ch;
  }
  if (inQuotes) {
    throw new ShellSyntaxError(`The double quote (") at character ${quoteAt + 1} is never closed: ${excerpt(input, quoteAt)}. Add the closing ".`, quoteAt);
  }
  finish();
  return words;
}
