// `npm start` rebuilds the web client when something it is built from changed since the last build. The
// client is built from client/ and server/protocol/ (the only server code it imports), so an edit to the
// goal checker rebuilds the page, while an edit to a route — which the page never contains — does not.
// Each case lays out a small project in a temporary folder and dates its files, so no test waits.
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientIsStale } from '../../../server/client-build';

const FILES = [
  'client/src/main.tsx',
  'server/protocol/lesson-goals.ts',
  'server/protocol/api-types.ts',
  'server/routes/send.ts',
  'server/send/perform.ts',
  'vite.config.ts',
  'package.json',
];
const BUILT = 'dist/client/index.html';

const SOURCES_AT = new Date('2026-01-01T10:00:00Z');
const BUILT_AT = new Date('2026-01-01T11:00:00Z');
const EDITED_AT = new Date('2026-01-01T12:00:00Z');

let root: string;

async function dated(path: string, at: Date): Promise<void> {
  await utimes(join(root, path), at, at);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'client-staleness-'));
  for (const path of [...FILES, BUILT]) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), `// ${path}\n`);
  }
  // Folders carry a date too (a new file changes it): every folder is as old as the sources.
  for (const path of FILES) {
    for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) await dated(dir, SOURCES_AT);
    await dated(path, SOURCES_AT);
  }
  await dated(BUILT, BUILT_AT);
});

afterEach(() => rm(root, { recursive: true, force: true }));

describe('whether npm start rebuilds the web client', () => {
  it('does not when nothing changed since the build', () => {
    expect(clientIsStale(root)).toBe(false);
  });

  it('does when there is no build yet', async () => {
    await rm(join(root, BUILT));
    expect(clientIsStale(root)).toBe(true);
  });

  it.each(['server/protocol/lesson-goals.ts', 'server/protocol/api-types.ts', 'client/src/main.tsx', 'vite.config.ts', 'package.json'])(
    'does after an edit to %s',
    async (path) => {
      await dated(path, EDITED_AT);
      expect(clientIsStale(root)).toBe(true);
    },
  );

  it('does when a new file appears in server/protocol/', async () => {
    await writeFile(join(root, 'server/protocol/http-syntax.ts'), '// new\n');
    await dated('server/protocol', EDITED_AT);
    expect(clientIsStale(root)).toBe(true);
  });

  it.each(['server/routes/send.ts', 'server/send/perform.ts'])('does not after an edit to %s (server-only code)', async (path) => {
    await dated(path, EDITED_AT);
    expect(clientIsStale(root)).toBe(false);
  });
});
