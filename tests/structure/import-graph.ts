// The import graph of a source folder, read with a real parser (oxc, through Vite's parseSync), so a
// comment or a string that looks like an import is not one. Used by the structure tests to find import
// cycles and imports that cross a boundary the project keeps.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseSync } from 'vite';

export interface ImportEdge {
  /** Importing file, relative to the root and with / separators. */
  from: string;
  /** Imported file (same form), or the bare specifier for a package. */
  to: string;
  /** The specifier as written. */
  specifier: string;
  /** import('…'): loaded on demand, still a dependency. */
  dynamic: boolean;
}

const SOURCE = /\.(ts|tsx|mts)$/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? sourcesUnder(path) : SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const posix = (path: string) => path.split(sep).join('/');

/** Every import of every source file under `dir` (static, re-exports and dynamic), paths relative to `root`. */
export function importGraph(root: string, dir: string): { files: string[]; edges: ImportEdge[] } {
  const files = sourcesUnder(resolve(root, dir));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const { module, errors } = parseSync(file, text);
    if (errors.length > 0) throw new Error(`${relative(root, file)} does not parse: ${errors[0]!.message}`);
    const found: { specifier: string; dynamic: boolean }[] = [
      ...module.staticImports.map((i) => ({ specifier: i.moduleRequest.value, dynamic: false })),
      ...module.staticExports.flatMap((e) => e.entries.flatMap((entry) => (entry.moduleRequest ? [{ specifier: entry.moduleRequest.value, dynamic: false }] : []))),
      // A dynamic import's argument is an expression; only a plain string literal names a module we can follow.
      ...module.dynamicImports.flatMap((d) => {
        const literal = /^\s*(['"])([^'"]+)\1\s*$/.exec(text.slice(d.moduleRequest.start, d.moduleRequest.end));
        return literal ? [{ specifier: literal[2]!, dynamic: true }] : [];
      }),
    ];
    const seen = new Set<string>();
    for (const { specifier, dynamic } of found) {
      if (seen.has(`${specifier}:${dynamic}`)) continue;
      seen.add(`${specifier}:${dynamic}`);
      const target = specifier.startsWith('.') ? resolveRelative(file, specifier) : undefined;
      edges.push({ from: posix(relative(root, file)), to: target ? posix(relative(root, target)) : specifier, specifier, dynamic });
    }
  }
  return { files: files.map((f) => posix(relative(root, f))).sort(), edges };
}

/** The import cycles: each strongly connected group of files (Tarjan), as a sorted list of files. */
export function importCycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const edge of edges) if (next.has(edge.to)) next.get(edge.from)?.push(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || (next.get(file) ?? []).includes(file)) cycles.push(group.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
