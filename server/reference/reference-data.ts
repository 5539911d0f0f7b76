// The reference dataset (status codes, headers, methods) read from lessons/reference and checked
// against its JSON Schemas at start, so a broken data file stops the server with a message that names
// the file and the entry — instead of surfacing as a blank tooltip in class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ConfigError } from '../config';
import type { HeaderEntry, MethodEntry, StatusCodeEntry } from '../protocol/api-types';

export interface ReferenceData {
  unknownCodes: string;
  statusCodes: StatusCodeEntry[];
  headers: HeaderEntry[];
  methods: MethodEntry[];
}

/** A reference data file that cannot be used; a configuration error, so the server does not start. */
export class ReferenceDataError extends ConfigError {}

const FILES = ['status-codes', 'headers', 'methods'] as const;

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReferenceDataError(`${path} cannot be read as JSON: ${(error as Error).message}`);
  }
}

/** Loads and validates lessons/reference; throws ReferenceDataError naming what to fix. */
export function loadReferenceData(dir: string): ReferenceData {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const loaded: Record<string, Record<string, unknown>> = {};
  for (const name of FILES) {
    const path = join(dir, `${name}.json`);
    const schema = readJson(join(dir, 'schema', `${name}.schema.json`)) as object;
    const data = readJson(path);
    const validate = ajv.compile(schema);
    if (!validate(data)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(top)'} ${e.message}`);
      throw new ReferenceDataError(`${path} does not match its schema: ${problems.join('; ')}`);
    }
    loaded[name] = data as Record<string, unknown>;
  }
  const statusCodes = loaded['status-codes']!.statusCodes as StatusCodeEntry[];
  const seen = new Set<number>();
  for (const entry of statusCodes) {
    if (seen.has(entry.code)) throw new ReferenceDataError(`status-codes.json lists ${entry.code} twice.`);
    seen.add(entry.code);
    for (const related of entry.related) {
      if (!statusCodes.some((e) => e.code === related)) throw new ReferenceDataError(`status-codes.json: ${entry.code} is related to ${related}, which is not in the file.`);
    }
  }
  return {
    unknownCodes: loaded['status-codes']!.unknownCodes as string,
    statusCodes,
    headers: loaded.headers!.headers as HeaderEntry[],
    methods: loaded.methods!.methods as MethodEntry[],
  };
}
