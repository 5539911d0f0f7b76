// Starts HTTP Sandbox: reads the configuration, listens (HTTPS with TLS_CERT/TLS_KEY), and shuts down
// gracefully on SIGINT/SIGTERM (in-flight requests finish; new ones get 503 with Retry-After; event streams are
// told to reconnect in a second or two, then ended). `npm start` builds the client and compiles this file
// first (server/build.ts), then runs dist/server/main.js: the serving process never loads a build tool.
// WORKERS above 1 (REDIS_URL required; with it, WORKERS unset means one per core): this process forks the workers
// and runs none itself (server/cluster.ts).
import cluster from 'node:cluster';
import { buildApp } from './app';
import { runPrimary } from './cluster';
import { CLIENT_DIST } from './client-build';
import { ConfigError, readConfig, type Config } from './config';
import { logDestination } from './http/log-output';

/** The one line that says where the server is (printed by the primary once all workers listen, with WORKERS > 1). */
function runningLine(config: Config, port: number): string {
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const scheme = config.tlsCert === undefined ? 'http' : 'https';
  return `HTTP Sandbox is running on ${scheme}://${shownHost}:${port}`;
}

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config, (port) => runningLine(config, port));
    return;
  }

  const app = await buildApp({ ...config, clientDir: CLIENT_DIST, logger: true, logStream: await logDestination(config.logFormat) });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received: finishing in-flight requests, then stopping.`);
    const force = setTimeout(() => {
      app.log.warn('Requests still open after 10 s; stopping anyway.');
      process.exit(1);
    }, 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  if (cluster.isPrimary) console.log(runningLine(config, (app.server.address() as { port: number }).port));
}

main().catch((error: unknown) => {
  // A broken lesson or reference file is a configuration error: say which file and field, not a stack.
  if (error instanceof ConfigError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
