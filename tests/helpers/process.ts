// A program the test runs in a process of its own, whose output is awaited as it is printed (never polled).
import { spawn, type ChildProcess } from 'node:child_process';

export interface WatchedProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The first match of `pattern` in the output after `from` characters, as soon as it is printed; rejects
   *  with the output when the process exits first. */
  printed: (pattern: RegExp, from?: number) => Promise<RegExpExecArray>;
}

export interface WatchOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** In a process group of its own, so the test can stop it and its children together. */
  detached?: boolean;
}

/** Starts `command` and watches what it prints. */
export function startWatched(name: string, command: string, args: string[], { env, cwd, detached = false }: WatchOptions): WatchedProcess {
  const child = spawn(command, args, { cwd, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = (pattern: RegExp, from = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text.slice(from));
        if (!match) return;
        listeners.delete(check);
        resolve(match);
      };
      listeners.add(check);
      check();
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        listeners.delete(check);
        reject(new Error(`${name} exited (${code}) before printing ${pattern}; output:\n${text}`));
      });
    });
  return { name, child, output: () => text, exited, printed };
}
