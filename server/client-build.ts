// Builds what `npm start` serves, each part only when it is missing or older than its sources: the web
// client (Vite, into dist/client, with .br and .gz copies of each asset) and the server itself (a Vite SSR
// build of server/main.ts into dist/server/main.js, so the serving process runs plain JavaScript with no
// TypeScript loader). `npm start` runs server/build.ts, then `node dist/server/main.js`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder with package.json above this module (also when the server runs as a compiled bundle in dist/). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const CLIENT_DIST = join(PROJECT_ROOT, 'dist', 'client');
export const SERVER_DIST = join(PROJECT_ROOT, 'dist', 'server');
/** The compiled server that `npm start` runs. */
export const SERVER_MAIN = join(SERVER_DIST, 'main.js');

/** Files whose change means a new build: the build settings and the installed packages. */
const BUILD_SETTINGS = ['vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/**
 * What the web client is built from: its own folder and server/protocol/, the only server code it may
 * import (tests/structure/server-boundaries.test.ts holds it to that), so an edit to the goal checker or a wire
 * type rebuilds the page.
 */
export const CLIENT_SOURCES = ['client', 'server/protocol', ...BUILD_SETTINGS] as const;

function staleAgainst(root: string, output: string, sources: readonly string[]): boolean {
  if (!existsSync(output)) return true;
  const builtAt = statSync(output).mtimeMs;
  return sources.map((source) => join(root, source)).some((source) => existsSync(source) && newestChange(source) > builtAt);
}

/** True when dist/client is missing or older than something it is built from (`root` is for tests). */
export function clientIsStale(root = PROJECT_ROOT): boolean {
  return staleAgainst(root, join(root, 'dist', 'client', 'index.html'), CLIENT_SOURCES);
}

export function serverIsStale(): boolean {
  return staleAgainst(PROJECT_ROOT, SERVER_MAIN, ['server', ...BUILD_SETTINGS]);
}

export async function buildClient(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * Compiles server/main.ts and what it imports into one ES module (packages stay imports of node_modules).
 * Readable output, not minified, so a stack trace in a log names the real functions.
 */
export async function buildServer(outDir = SERVER_DIST): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(PROJECT_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      // ASCII only (non-ASCII characters in strings written as \u escapes, doc comments left out): one "—" in the
      // bundle makes V8 keep its whole text, which stays in memory, at two bytes a character (1.1 MB, not 0.5 MB).
      rolldownOptions: {
        // The server, and the worker that reads the lessons at start (server/lessons/course-data.ts).
        input: { main: join(PROJECT_ROOT, 'server', 'main.ts'), 'course-data-worker': join(PROJECT_ROOT, 'server', 'lessons', 'course-data-worker.ts') },
        output: { charset: 'ascii', comments: { jsdoc: false, legal: true, annotation: true } },
      },
    },
  });
}

export async function ensureClientBuilt(log: (message: string) => void): Promise<void> {
  if (!clientIsStale()) return;
  log('Building the web client (first start, or its sources changed)…');
  await buildClient();
  log('Client built.');
}

export async function ensureServerBuilt(log: (message: string) => void): Promise<void> {
  if (!serverIsStale()) return;
  log('Compiling the server (first start, or its sources changed)…');
  await buildServer();
  log('Server compiled.');
}
