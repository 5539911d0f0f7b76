// Splits a shell command line into words the way bash would for the quoting people paste: single
// quotes, double quotes with backslash escapes, $'…' ANSI-C quoting, backslash escapes and line
// continuations (bash "\", Windows cmd "^", PowerShell "`").

export class ShellSyntaxError extends Error {}

const ANSI_C: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

export function shellWords(input: string): string[] {
  const text = input.replace(/[\\^`]\r?\n/g, ' ');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new ShellSyntaxError('A single quote (\') is never closed.');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '$' && text[i + 1] === "'") {
      i += 2;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\') {
          const next = text[i + 1] ?? '';
          if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += ANSI_C[next] ?? next;
          i += 2;
        } else {
          word += text[i];
          i += 1;
        }
      }
      if (text[i] !== "'") throw new ShellSyntaxError("A $'…' quote is never closed.");
      inWord = true;
      i += 1;
    } else if (ch === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1] ?? '')) {
          word += text[i + 1];
          i += 2;
        } else {
          word += text[i];
          i += 1;
        }
      }
      if (text[i] !== '"') throw new ShellSyntaxError('A double quote (") is never closed.');
      inWord = true;
      i += 1;
    } else if (ch === '\\') {
      word += text[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quotes a word for bash with single quotes (a ' inside becomes '\''). */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
