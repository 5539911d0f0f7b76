// The seams between the web client and the server, held by a test over the import graph:
// - the client imports from server/ only what is in server/protocol/ (wire types, schemas, the lesson
//   format and goal checker, the classroom protocol, shared limits and HTTP syntax);
// - server/protocol/ imports nothing else from the server and nothing that needs Node, so the page can
//   run it, and `npm start` rebuilds the page when it changes (server/client-build.ts watches the folder);
// - route modules are leaves: only server/app.ts, which registers them, imports server/routes/;
// - the server has no import cycle.
// Each rule is first shown failing on a small tree.
import { builtinModules } from 'node:module';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_SOURCES } from '../../server/client-build';
import { importCycles, importGraph, type ImportEdge } from './import-graph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROTOCOL = 'server/protocol/';
/** The one server module that may import route modules: it registers them. */
const ROUTE_REGISTRY = 'server/app.ts';
/** Packages server/protocol/ may use: each runs in a browser as well as in Node. */
const BROWSER_SAFE_PACKAGES = new Set(['typebox']);
const NODE_BUILTINS = new Set(builtinModules);

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]!);
}

function isPackage(edge: ImportEdge): boolean {
  return !edge.specifier.startsWith('.') && !edge.specifier.startsWith('/');
}

/** Each import that crosses a seam it should not, said the way a reviewer would. */
function boundaryBreaks(edges: readonly ImportEdge[]): string[] {
  const breaks: string[] = [];
  for (const edge of edges) {
    const via = `${edge.from} imports ${edge.to}`;
    if (edge.from.startsWith('client/') && edge.to.startsWith('server/') && !edge.to.startsWith(PROTOCOL)) {
      breaks.push(`${via}: the client may import only server/protocol/; move what both sides need there`);
    }
    if (edge.from.startsWith(PROTOCOL)) {
      if (isNodeBuiltin(edge.specifier)) {
        breaks.push(`${via}: server/protocol/ runs in the browser too, so it cannot use Node's modules`);
      } else if (isPackage(edge) && !BROWSER_SAFE_PACKAGES.has(edge.specifier)) {
        breaks.push(`${via}: server/protocol/ uses only packages known to run in a browser (${[...BROWSER_SAFE_PACKAGES].join(', ')})`);
      } else if (!isPackage(edge) && !edge.to.startsWith(PROTOCOL)) {
        breaks.push(`${via}: server/protocol/ imports nothing from the rest of the code; pass it what it needs`);
      }
    }
    if (edge.from.startsWith('server/') && !edge.from.startsWith('server/routes/') && edge.from !== ROUTE_REGISTRY && edge.to.startsWith('server/routes/')) {
      breaks.push(`${via}: only ${ROUTE_REGISTRY} imports route modules; move what others need out of server/routes/`);
    }
  }
  return breaks.sort();
}

/** Every server file the client's bundle can reach, following imports from client/src. */
function serverFilesInClientBundle(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const seen = new Set<string>();
  const queue = edges.filter((e) => e.from.startsWith('client/')).map((e) => e.from);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(next.get(file) ?? []));
  }
  return [...seen].filter((file) => file.startsWith('server/')).sort();
}

function wholeGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const server = importGraph(root, 'server');
  const client = importGraph(root, 'client/src');
  return { files: [...server.files, ...client.files], edges: [...server.edges, ...client.edges] };
}

describe('the rules catch what they are for (on a small tree)', () => {
  let root: string;
  const files: Record<string, string> = {
    // The client reaching past the protocol folder, once for a type and once lazily.
    'client/src/features/lessons/store.ts':
      "import type { Row } from '../../../../server/store/rows';\nimport { checkGoal } from '../../../../server/protocol/goals';\nexport const load = () => import('../../../../server/lessons/load');\nexport const use = (r: Row) => checkGoal(r);\n",
    // The protocol folder using Node, a server-only package and the rest of the server.
    'server/protocol/goals.ts':
      "import { createHash } from 'node:crypto';\nimport { Type } from 'typebox';\nimport { request } from 'undici';\nimport { LIMIT } from '../classroom/limits';\nimport { WIRE } from './wire';\nexport const checkGoal = (x: unknown) => [createHash, Type, request, LIMIT, WIRE, x];\n",
    'server/protocol/wire.ts': "export const WIRE = 1;\n",
    'server/classroom/limits.ts': "export const LIMIT = 1;\n",
    'server/store/rows.ts': 'export type Row = { id: number };\n',
    'server/lessons/load.ts': "import { readFile } from 'node:fs/promises';\nexport const load = readFile;\n",
    // A service reaching into a route module (and closing a cycle with it); app.ts may import routes.
    'server/services/books.ts': "import { bookRoutes } from '../routes/books';\nexport const books = () => bookRoutes;\n",
    'server/routes/books.ts': "import { books } from '../services/books';\nimport { WIRE } from '../protocol/wire';\nexport const bookRoutes = [books, WIRE];\n",
    'server/app.ts': "import { bookRoutes } from './routes/books';\nexport const app = bookRoutes;\n",
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'server-boundaries-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports each crossing, and nothing that is allowed', () => {
    const { files: found, edges } = wholeGraph(root);
    expect(found).toHaveLength(Object.keys(files).length);
    expect(boundaryBreaks(edges)).toEqual([
      expect.stringMatching(/^client\/src\/features\/lessons\/store\.ts imports server\/lessons\/load\.ts: the client may import only server\/protocol\//),
      expect.stringMatching(/^client\/src\/features\/lessons\/store\.ts imports server\/store\/rows\.ts: the client may import only/),
      expect.stringMatching(/^server\/protocol\/goals\.ts imports node:crypto: .* cannot use Node's modules/),
      expect.stringMatching(/^server\/protocol\/goals\.ts imports server\/classroom\/limits\.ts: server\/protocol\/ imports nothing from the rest/),
      expect.stringMatching(/^server\/protocol\/goals\.ts imports undici: .* only packages known to run in a browser/),
      expect.stringMatching(/^server\/services\/books\.ts imports server\/routes\/books\.ts: only server\/app\.ts imports route modules/),
    ]);
    expect(importCycles(found, edges)).toEqual([['server/routes/books.ts', 'server/services/books.ts']]);
  });

  it('follows the client into the server as far as its imports go', () => {
    const { edges } = wholeGraph(root);
    expect(serverFilesInClientBundle(edges)).toEqual([
      'server/classroom/limits.ts',
      'server/lessons/load.ts',
      'server/protocol/goals.ts',
      'server/protocol/wire.ts',
      'server/store/rows.ts',
    ]);
  });
});

describe('the client and the server in this repository', () => {
  const { files, edges } = wholeGraph(ROOT);

  it('sees the whole code: the client, server/protocol/, the routes and the app that registers them', () => {
    expect(files).toContain(ROUTE_REGISTRY);
    expect(files.some((f) => f.startsWith('client/src/'))).toBe(true);
    expect(files.some((f) => f.startsWith('server/routes/'))).toBe(true);
    expect(files.filter((f) => f.startsWith(PROTOCOL)).length).toBeGreaterThan(5);
  });

  it('keeps every seam: the client imports only server/protocol/, which imports only itself, and only app.ts imports routes', () => {
    expect(boundaryBreaks(edges)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(files, edges)).toEqual([]);
  });

  it('rebuilds the page after an edit to any server file the page contains', () => {
    const inBundle = serverFilesInClientBundle(edges);
    expect(inBundle.length).toBeGreaterThan(0);
    const watched = (file: string) => CLIENT_SOURCES.some((source) => file === source || file.startsWith(`${source}/`));
    expect(inBundle.filter((file) => !watched(file))).toEqual([]);
  });
});
