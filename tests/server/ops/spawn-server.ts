// Runs the real server in a process of its own (server/main.ts, as `npm start` runs its compiled form) for the
// tests that need signals and the start-up checks: its output is awaited line by line, never polled.
import { PROJECT_ROOT } from '../../../server/client-build';
import { startWatched, type WatchedProcess } from '../../helpers/process';

export type SpawnedServer = WatchedProcess;

export function spawnServer(env: Record<string, string>): SpawnedServer {
  return startWatched('the server', process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
  });
}
