// The client's folders keep one direction of dependency (as bulletproof-react lays out a React app):
//   shared code (components/, lib/, stores/)  ←  features/<name>/  ←  the app level (app/, main.tsx)
// A feature uses shared code and its own files; it does not import another feature (the app level composes
// them, handing each what it needs as props); shared code imports no feature and not the app level. And no
// file imports itself back through others (no import cycle). Each rule is shown failing on a small tree first.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCycles, importGraph, type ImportEdge } from './import-graph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = 'client/src/';

type Layer = { kind: 'app' } | { kind: 'feature'; name: string } | { kind: 'shared' };

/** Where a file under client/src sits; undefined for files elsewhere (server/protocol, packages). */
function layerOf(file: string): Layer | undefined {
  if (!file.startsWith(SRC)) return undefined;
  const path = file.slice(SRC.length);
  const feature = /^features\/([^/]+)\//.exec(path)?.[1];
  if (feature) return { kind: 'feature', name: feature };
  if (/^(components|lib|stores)\//.test(path)) return { kind: 'shared' };
  return { kind: 'app' };
}

/** Each import that breaks the direction above, said the way a reviewer would. */
function layerBreaks(edges: readonly ImportEdge[]): string[] {
  const breaks: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    if (!from || !to) continue;
    const via = `${edge.from} imports ${edge.to}${edge.dynamic ? ' (dynamic import)' : ''}`;
    if (from.kind === 'feature' && to.kind === 'feature' && from.name !== to.name) {
      breaks.push(`${via}: feature "${from.name}" reaches into feature "${to.name}"; pass what it needs from the app level, or move shared code to lib/ or stores/`);
    } else if (from.kind === 'feature' && to.kind === 'app') {
      breaks.push(`${via}: a feature imports the app level; take it as a prop instead`);
    } else if (from.kind === 'shared' && to.kind !== 'shared') {
      breaks.push(`${via}: shared code imports ${to.kind === 'app' ? 'the app level' : `feature "${to.kind === 'feature' ? to.name : ''}"`}`);
    }
  }
  return breaks;
}

describe('the rules catch what they are for (on a small client tree)', () => {
  let root: string;
  const files: Record<string, string> = {
    // A cross-feature import that also closes a cycle: lessons → composer → lessons.
    'client/src/features/lessons/panel.tsx': "import { draft } from '../composer/draft-store';\nexport const panel = () => draft;\n",
    'client/src/features/composer/draft-store.ts': "import { panel } from '../lessons/panel';\nexport const draft = 1;\nexport const again = () => panel;\n",
    // Shared code that imports a feature, lazily.
    'client/src/lib/send.ts': "export const later = () => import('../features/composer/draft-store');\n",
    // Allowed: the app level composes features and uses shared code; a feature uses shared code; a
    // comment or string that looks like an import is not one.
    'client/src/app/app.tsx': "import { panel } from '../features/lessons/panel';\nimport { later } from '../lib/send';\nexport const app = [panel, later];\n",
    'client/src/features/history/list.tsx': "// import { draft } from '../composer/draft-store';\nimport { later } from '../../lib/send';\nexport const text = \"from '../composer/draft-store'\";\nexport const list = later;\n",
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'client-graph-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports the cycle, the cross-feature imports and shared code importing a feature, and nothing else', () => {
    const { files: found, edges } = importGraph(root, 'client/src');
    expect(found).toHaveLength(Object.keys(files).length);
    expect(importCycles(found, edges)).toEqual([['client/src/features/composer/draft-store.ts', 'client/src/features/lessons/panel.tsx']]);
    expect(layerBreaks(edges)).toEqual([
      expect.stringMatching(/^client\/src\/features\/composer\/draft-store\.ts imports client\/src\/features\/lessons\/panel\.tsx: feature "composer" reaches into feature "lessons"/),
      expect.stringMatching(/^client\/src\/features\/lessons\/panel\.tsx imports client\/src\/features\/composer\/draft-store\.ts: feature "lessons" reaches into feature "composer"/),
      expect.stringMatching(/^client\/src\/lib\/send\.ts imports client\/src\/features\/composer\/draft-store\.ts \(dynamic import\): shared code imports feature "composer"/),
    ]);
  });
});

describe("the client's own imports", () => {
  const { files, edges } = importGraph(ROOT, 'client/src');

  it('sees the whole client (every feature folder, the shared folders and the app level)', () => {
    const kinds = new Set(files.map((f) => layerOf(f)?.kind));
    expect(kinds).toEqual(new Set(['app', 'feature', 'shared']));
    expect(edges.length).toBeGreaterThan(files.length);
  });

  it('has no import cycle', () => {
    expect(importCycles(files, edges)).toEqual([]);
  });

  it('keeps features apart: no feature imports another, shared code imports no feature', () => {
    expect(layerBreaks(edges)).toEqual([]);
  });
});
