// Parses a JSON request body and, when it is broken, says where and why, in words a learner can act on.
import { HttpProblem } from './problem';

/** Media types of JSON bodies the server parses. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/merge-patch+json'] as const;
/** What a route that takes plain JSON only accepts (its `accepts` config); others get 415. */
export const JSON_ONLY = ['application/json'] as const;

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
}

/**
 * Where JSON text first goes wrong (character offset), found by a small recursive-descent scan. Used
 * only after JSON.parse has failed, because V8's message does not always give the position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i += 1;
    }
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i += 1;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail();
      if (text[i] === '\\') {
        i += 1;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail();
      }
      i += 1;
    }
    if (text[i] !== '"') fail();
    i += 1;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i += 1;
      space();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ':') fail();
        i += 1;
        value();
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return;
        }
        fail();
      }
    } else if (ch === '[') {
      i += 1;
      space();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return;
        }
        fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (offset) {
    return offset as number;
  }
  return text.length;
}

/** Parses JSON text; throws a 400 malformed-json problem that points at the mistake. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new HttpProblem(
      'malformed-json',
      'The body is empty, but the Content-Type header says it is JSON. Send a JSON value such as {"title": "…"}, or drop the Content-Type header when there is no body.',
    );
  }
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') {
        throw new HttpProblem('malformed-json', 'The key "__proto__" is not allowed in a JSON body. Remove it.');
      }
      return value;
    });
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text));
    const reason = message.split(/, (?:"|\.\.\.)/)[0]!.replace(/( in JSON)? at position \d+.*$/s, '');
    throw new HttpProblem(
      'malformed-json',
      `The body is not valid JSON at line ${line}, column ${column} (${reason}). Check for a missing quote, comma, value or brace there; property names need double quotes.`,
      { extra: { line, column } },
    );
  }
}
