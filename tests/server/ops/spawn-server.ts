// Runs the real server in a process of its own (server/main.ts, as `npm start` runs its compiled form) for the
// tests that need signals and the start-up checks: its output is awaited line by line, never polled.
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../../server/client-build';

export interface SpawnedServer {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** The first match of `pattern` in its output, as soon as it is printed; rejects with the output when the
   *  process exits first. */
  printed: (pattern: RegExp) => Promise<RegExpExecArray>;
  /** Its exit code. */
  exited: Promise<number | null>;
}

export function spawnServer(env: Record<string, string>): SpawnedServer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text);
        if (!match) return;
        listeners.delete(check);
        resolve(match);
      };
      listeners.add(check);
      check();
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        listeners.delete(check);
        reject(new Error(`the server exited (${code}) before printing ${pattern}; output:\n${text}`));
      });
    });
  return { child, output: () => text, printed, exited };
}
