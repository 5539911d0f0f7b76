// Turns JSON Schema (Ajv) validation errors into the plain-language `errors` list of a problem body.
import type { FieldError } from '../protocol/api-types';

/** The parts of an Ajv error we read. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const LOCATIONS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string in double quotes',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a JSON array',
  null: 'null',
};

function describeType(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function explain(error: SchemaError, allowed: readonly string[]): string {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return allowed.length > 0 ? `is not allowed here; use only ${allowed.join(', ')}` : 'is not allowed here; remove it';
    case 'type':
      return `must be ${describeType(p.type)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'minimum':
      return `must be ${String(p.limit)} or more`;
    case 'maximum':
      return `must be ${String(p.limit)} or less`;
    case 'pattern':
      return `has the wrong form (it must match ${String(p.pattern)})`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    default:
      return error.message ?? 'is not valid';
  }
}

function fieldOf(error: SchemaError, location: string): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra = (error.params.missingProperty ?? error.params.additionalProperty) as string | undefined;
  const field = [path, extra].filter(Boolean).join('.');
  return field || (location === 'body' ? '(body)' : '(whole)');
}

/** One entry per field (the first problem found with it), in the order the validator reported. */
export function toFieldErrors(errors: readonly SchemaError[], context: string, allowed: readonly string[] = []): FieldError[] {
  const location = LOCATIONS[context] ?? context;
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const field = fieldOf(error, location);
    if (seen.has(field)) continue;
    seen.add(field);
    result.push({ field, location, message: explain(error, allowed) });
  }
  return result;
}

/** One sentence that sums the list up, for the problem's `detail`. */
export function summarize(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.field.startsWith('(') ? `The ${e.location} ${e.message}` : `\`${e.field}\` ${e.message}`)).join('; ');
}
