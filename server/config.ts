// Configuration read from environment variables. Every knob has a documented default and a ceiling,
// and a bad value stops the server at start with a message that says which variable to fix.

export interface Config {
  /** TCP port to listen on. `PORT`, default 3000. */
  port: number;
  /** Interface to bind. `HOST`, default 127.0.0.1; use 0.0.0.0 to serve a classroom LAN. */
  host: string;
  /** Pino log level. `LOG_LEVEL`, default "info". */
  logLevel: string;
  /** Most private sandboxes kept at once; the least recently used is evicted beyond it. `SANDBOX_MAX`. */
  sandboxMax: number;
  /** Most items one sandbox may hold in one collection; more → 507. `SANDBOX_ITEM_LIMIT`. */
  sandboxItemLimit: number;
  /** Minutes a private sandbox may sit idle before it may be evicted. `SANDBOX_IDLE_MINUTES`. */
  sandboxIdleMinutes: number;
  /** How long a book export job runs before its result is ready, in ms. `EXPORT_JOB_MS`. */
  exportJobMs: number;
  /** Largest request body accepted, in bytes. `BODY_LIMIT`. */
  bodyLimit: number;
}

export const DEFAULT_CONFIG: Config = {
  port: 3000,
  host: '127.0.0.1',
  logLevel: 'info',
  sandboxMax: 5_000,
  sandboxItemLimit: 500,
  sandboxIdleMinutes: 120,
  exportJobMs: 3_000,
  bodyLimit: 1_048_576,
};

interface IntRule {
  key: keyof Config;
  env: string;
  min: number;
  max: number;
}

const INT_RULES: IntRule[] = [
  { key: 'port', env: 'PORT', min: 0, max: 65_535 },
  { key: 'sandboxMax', env: 'SANDBOX_MAX', min: 1, max: 1_000_000 },
  { key: 'sandboxItemLimit', env: 'SANDBOX_ITEM_LIMIT', min: 1, max: 100_000 },
  { key: 'sandboxIdleMinutes', env: 'SANDBOX_IDLE_MINUTES', min: 1, max: 10_080 },
  { key: 'exportJobMs', env: 'EXPORT_JOB_MS', min: 0, max: 600_000 },
  { key: 'bodyLimit', env: 'BODY_LIMIT', min: 1_024, max: 104_857_600 },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

/** Reads and checks the configuration; throws ConfigError naming the variable when a value is bad. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = { ...DEFAULT_CONFIG };
  for (const rule of INT_RULES) {
    const raw = env[rule.env];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
      throw new ConfigError(
        `${rule.env}=${JSON.stringify(raw)} is not valid: use a whole number from ${rule.min} to ${rule.max}.`,
      );
    }
    (config[rule.key] as number) = value;
  }
  if (env.HOST) config.host = env.HOST;
  if (env.LOG_LEVEL) {
    if (!LOG_LEVELS.includes(env.LOG_LEVEL)) {
      throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not valid: use one of ${LOG_LEVELS.join(', ')}.`);
    }
    config.logLevel = env.LOG_LEVEL;
  }
  return config;
}
