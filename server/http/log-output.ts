// Where log lines go and how they look. In a terminal (or LOG_FORMAT=pretty): one readable line each, by
// pino-pretty, written synchronously on the main thread — the server logs only start-up, errors, slow
// requests and answers given on purpose, so no worker thread is worth its memory. Elsewhere (a service
// manager, a container, a pipe, or LOG_FORMAT=json): pino's own JSON lines on stdout, for a log collector.
import type { Config } from '../config';

/** What pino writes to: a JSON line per call. */
export interface LogStream {
  write(line: string): void;
}

export function wantsPrettyLogs(format: Config['logFormat'], isTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTerminal);
}

/** The stream for the chosen format, or undefined for JSON lines on stdout (pino's default, the cheapest). */
export async function logDestination(format: Config['logFormat'], isTerminal = process.stdout.isTTY === true): Promise<LogStream | undefined> {
  if (!wantsPrettyLogs(format, isTerminal)) return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    sync: true,
    colorize: isTerminal,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}
