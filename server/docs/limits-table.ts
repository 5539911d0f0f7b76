// The README's "Fixed limits" table: every limit server/limits.ts gathers, with its value and the reason
// written in the doc comment above its definition (read from the source, so the reason is written once).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface FixedLimit {
  /** `NAME`, or `OBJECT.field` for a field of a limits object. */
  name: string;
  value: number;
  reason: string | undefined;
  /** The file that defines it, relative to the project. */
  file: string;
}

const DOC = /^\s*\/\*\*([\s\S]*?)\*\/\s*$/;

/** Name → reason for the constants (and the fields of constant objects) a module defines. A constant or
 *  field right below another, with no comment of its own, shares the comment above the first. */
export function reasonsIn(source: string): Map<string, string | undefined> {
  const reasons = new Map<string, string | undefined>();
  const lines = source.split('\n');
  let doc: string | undefined;
  let object: string | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.trim().startsWith('/**')) {
      let text = line;
      while (!text.includes('*/') && i + 1 < lines.length) text += `\n${lines[(i += 1)]}`;
      doc = DOC.exec(text)?.[1]?.replace(/^\s*\*\s?/gm, ' ').replace(/\s+/g, ' ').trim();
      continue;
    }
    const constant = /^export const (\w+)\b[^=]*=\s*(\{)?/.exec(line);
    const field = object ? /^\s+(\w+):/.exec(line) : null;
    if (constant) {
      reasons.set(constant[1]!, doc);
      object = constant[2] && !line.includes('}') ? constant[1] : undefined;
      if (object) doc = undefined;
    } else if (field) {
      reasons.set(`${object}.${field[1]}`, doc);
    } else {
      if (object && /^\}/.test(line)) object = undefined;
      doc = undefined;
    }
  }
  return reasons;
}

/** The modules an index re-exports from (`export … from './x'`), as file paths. */
export function modulesOf(indexFile: string): string[] {
  const source = readFileSync(indexFile, 'utf8');
  return [...source.matchAll(/^export [^;]*? from '(\.[^']+)';/gm)].map((match) => join(dirname(indexFile), `${match[1]}.ts`));
}

/** Every number the index exports (and every number field of an exported object), with its reason. */
export function fixedLimits(indexFile: string, values: Record<string, unknown>, root: string): FixedLimit[] {
  const where = new Map<string, { reason: string | undefined; file: string }>();
  for (const file of modulesOf(indexFile)) {
    for (const [name, reason] of reasonsIn(readFileSync(file, 'utf8'))) where.set(name, { reason, file: relative(root, file) });
  }
  const limits: FixedLimit[] = [];
  const add = (name: string, value: unknown) => {
    if (typeof value !== 'number') return;
    const found = where.get(name);
    limits.push({ name, value, reason: found?.reason, file: found?.file ?? '?' });
  };
  // Sorted by name: a module namespace's own key order differs between loaders.
  for (const [name, value] of Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value && typeof value === 'object') for (const [field, inner] of Object.entries(value)) add(`${name}.${field}`, inner);
    else add(name, value);
  }
  return limits;
}

export function limitsTable(limits: readonly FixedLimit[]): string {
  const rows = ['| Limit | Value | Why | Defined in |', '|---|---|---|---|'];
  for (const limit of limits) {
    const cells = [`\`${limit.name}\``, limit.value.toLocaleString('en-US'), limit.reason ?? '', `\`${limit.file}\``];
    rows.push(`| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  }
  return rows.join('\n');
}
