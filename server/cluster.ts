// WORKERS above 1 (with REDIS_URL, which holds every piece of learners' state): the first process becomes the
// primary of a node:cluster. It serves nothing itself; it forks WORKERS server processes that share one port
// (the primary accepts connections and hands them to the workers in turn), prints the one "running on" line
// once every worker listens, starts a new worker when one dies (waiting longer after each quick death, one
// log line per death), and passes SIGTERM/SIGINT on so each worker shuts down gracefully (in-flight requests
// finish, event streams are told to reconnect) — then exits 0 when all of them did.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config';
import { logDestination, type LogStream } from './http/log-output';

/** Waits before starting a worker again: doubled after each death within RESTART_CALM_MS, capped. */
export const RESTART_DELAY_MS = { first: 250, max: 10_000 } as const;
/** A worker that lived this long before dying is restarted at once again (its death was not a crash loop). */
export const RESTART_CALM_MS = 30_000;

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

/** The primary's own log lines, in the workers' format (pino's JSON, through pino-pretty in a terminal). */
async function primaryLog(config: Config): Promise<(level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void> {
  const stream: LogStream = (await logDestination(config.logFormat)) ?? { write: (line) => process.stdout.write(line) };
  return (level, msg, extra = {}) => {
    if (LEVELS[level] < LEVELS[config.logLevel]) return;
    stream.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, role: 'primary', ...extra, msg })}\n`);
  };
}

/** Runs the primary: `running` is the "running on" line, given the port the workers listen on. */
export async function runPrimary(config: Config, running: (port: number) => string): Promise<void> {
  const log = await primaryLog(config);
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  const startedAt = new Map<number, number>();
  let delay: number = RESTART_DELAY_MS.first;

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ WORKER_SLOT: String(slot) });
    startedAt.set(worker.id, Date.now());
    let listened = false;
    worker.on('listening', (address) => {
      listened = true;
      listening.add(slot);
      if (announced) log('info', `Worker ${slot} (pid ${worker.process.pid}) is serving again.`, { worker: slot });
      if (!announced && listening.size === config.workers) {
        announced = true;
        console.log(running(address.port));
      }
    });
    worker.on('exit', (code, signal) => {
      listening.delete(slot);
      if (stopping) return;
      // Exit code 2 before listening is a start-up error (a broken lesson file…): every new worker would fail alike.
      if (code === 2 && !listened) {
        log('error', `Worker ${slot} could not start (its message is above); stopping the others.`, { worker: slot });
        stop('SIGTERM', 2);
        return;
      }
      const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      delay = lived >= RESTART_CALM_MS ? RESTART_DELAY_MS.first : delay;
      log('warn', `Worker ${slot} (pid ${worker.process.pid}) stopped (${signal ?? `exit code ${code}`}) after ${Math.round(lived / 1000)} s; starting a new one in ${delay} ms.`, { worker: slot, exitCode: code, signal });
      const wait = delay;
      delay = Math.min(RESTART_DELAY_MS.max, delay * 2);
      setTimeout(() => {
        if (!stopping) fork(slot);
      }, wait);
    });
    return worker;
  };

  const stop = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (exitCode === 0) log('info', `${signal} received: each worker finishes its in-flight requests, then stops.`);
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    let failed = false;
    let left = workers.length;
    const done = () => process.exit(exitCode || (failed ? 1 : 0));
    if (left === 0) done();
    for (const worker of workers) {
      // A worker still starting has no handler yet: the signal ends it, which is a clean stop too.
      worker.once('exit', (code, exitSignal) => {
        if (code !== 0 && exitSignal !== signal) failed = true;
        left -= 1;
        if (left === 0) done();
      });
      worker.process.kill(signal);
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  log('info', `Starting ${config.workers} workers on one port (REDIS_URL holds their shared state).`, { workers: config.workers });
  for (let slot = 1; slot <= config.workers; slot += 1) fork(slot);
}
