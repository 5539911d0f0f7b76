// Parses a JSON request body and, when it is broken, says where and why, in words a learner can act on.
import { HttpProblem } from './problem';

/** Media types of JSON bodies the server parses. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/merge-patch+json'] as const;

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
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
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position) {
      const { line, column } = lineAndColumn(text, Number(position[1]));
      where = ` at line ${line}, column ${column}`;
    }
    throw new HttpProblem(
      'malformed-json',
      `The body is not valid JSON${where}: ${message}. Check for a missing quote, comma or brace; property names need double quotes.`,
    );
  }
}
