// Builds the client with Vite when dist/client is missing or older than its sources, so that
// `npm start` on a fresh clone serves the whole app without a separate build step.
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

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

export function clientIsStale(): boolean {
  const index = join(CLIENT_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = [join(PROJECT_ROOT, 'client'), join(PROJECT_ROOT, 'vite.config.ts'), join(PROJECT_ROOT, 'server', 'protocol.ts')];
  return sources.some((source) => existsSync(source) && newestChange(source) > built);
}

export async function ensureClientBuilt(log: (message: string) => void): Promise<void> {
  if (!clientIsStale()) return;
  log('Building the web client (first start, or its sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  log('Client built.');
}
