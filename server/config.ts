// Configuration read from environment variables. Every knob has a documented default and a ceiling,
// and a bad value stops the server at start with a message that says which variable to fix.

export interface Config {
  /** TCP port to listen on. `PORT`, default 3000. */
  port: number;
  /** Interface to bind. `HOST`, default 127.0.0.1; use 0.0.0.0 to serve a classroom LAN. */
  host: string;
  /** Pino log level. `LOG_LEVEL`, default "info". */
  logLevel: string;
  /**
   * How log lines look. `LOG_FORMAT`: "pretty" (readable, for a terminal), "json" (one JSON object a line,
   * for log collectors) or "auto" (the default: pretty when stdout is a terminal, JSON otherwise).
   */
  logFormat: 'auto' | 'pretty' | 'json';
  /** A request that takes longer than this, in ms, is logged as slow (0: never). `SLOW_REQUEST_MS`. */
  slowRequestMs: number;
  /**
   * Server processes on the port. `WORKERS`, default 1. Above 1 is refused until learners' state is shared
   * between processes (issue 17): each process would otherwise keep sandboxes, sessions and rooms of its own.
   */
  workers: number;
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
  /** Largest request line + header block, in bytes; more → 431. `MAX_HEADER_BYTES`. */
  maxHeaderBytes: number;
  /** Longest request URL (path and query), in characters; more → 414. `MAX_URL_LENGTH`. */
  maxUrlLength: number;
  /** Time a client has to send its headers, in ms. `HEADERS_TIMEOUT_MS`. */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, in ms. `REQUEST_TIMEOUT_MS`. */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed, in ms. `KEEP_ALIVE_TIMEOUT_MS`. */
  keepAliveTimeoutMs: number;
  /**
   * Most open connections from one client address. Over it, a connection's request is answered 503 with
   * Retry-After (and a script that keeps opening sockets is cut off). `MAX_CONNECTIONS_PER_CLIENT`.
   */
  maxConnectionsPerClient: number;
  /** Log-in attempts (session and token) one client may make per minute; more → 429. `LOGIN_RATE_PER_MINUTE`. */
  loginRatePerMinute: number;
  /** Requests one client may send through the send endpoint per minute; more → 429. `SEND_RATE_PER_MINUTE`. */
  sendRatePerMinute: number;
  /** Log-in attempts from one address per minute, every learner behind it together. `LOGIN_RATE_PER_ADDRESS_PER_MINUTE`. */
  loginRatePerAddressPerMinute: number;
  /** Failed log-ins to one account from one address per minute; more → 429. `LOGIN_FAILURES_PER_MINUTE`. */
  loginFailuresPerMinute: number;
  /** Sends from one address per minute, every learner behind it together. `SEND_RATE_PER_ADDRESS_PER_MINUTE`. */
  sendRatePerAddressPerMinute: number;
  /** Room joins and inboxes one address may create per minute. `CLASSROOM_CREATE_PER_ADDRESS_PER_MINUTE`. */
  classroomCreatePerAddressPerMinute: number;
  /** Rooms one address may start per minute. `ROOM_CREATE_PER_ADDRESS_PER_MINUTE`. */
  roomCreatePerAddressPerMinute: number;
  /**
   * Proxies whose X-Forwarded-For names the real client: a comma list of addresses or CIDR ranges
   * (`loopback`, `10.0.0.0/8`…). Unset: none, the socket's address counts. `TRUST_PROXY`.
   */
  trustProxy: string[];
  /** Sends the server performs at once; more wait their turn in the send queue. `SEND_CONCURRENCY`. */
  sendConcurrency: number;
  /** Sends one client (sandbox cookie, else address) may have in progress at once. `SEND_CLIENT_CONCURRENCY`. */
  sendClientConcurrency: number;
  /** Sends waiting for a turn on the whole server; more → 503 with Retry-After. `SEND_QUEUE_MAX`. */
  sendQueueMax: number;
  /** Sends one client may have waiting; more → 429 with Retry-After (a flood, not a class). `SEND_QUEUE_PER_CLIENT`. */
  sendQueuePerClient: number;
  /** Longest a send waits for its turn, in ms; longer → 503 with Retry-After. `SEND_QUEUE_WAIT_MS`. */
  sendQueueWaitMs: number;
  /**
   * Origins besides this server that learners may send requests to. `SANDBOX_ALLOW_ORIGINS` (comma list,
   * default none). A listed host name must resolve to public addresses (checked on every connection, so a
   * DNS answer that turns private is refused); to reach a machine on the local network, list its address
   * (http://10.0.0.5:8080) or `localhost`. Link-local (cloud metadata), unspecified, multicast and reserved
   * addresses are never dialled, even when listed.
   */
  allowOrigins: string[];
  /** Folder of lesson files (in its walkthroughs/, or directly), default lessons/; checked at start. `LESSONS_DIR`. */
  lessonsDir?: string;
  /** Folder for snapshots of learners' data; unset keeps everything in memory only. `DATA_DIR`. */
  dataDir?: string;
  /** How often a changed state is saved to DATA_DIR, in ms. `SNAPSHOT_INTERVAL_MS`. */
  snapshotIntervalMs: number;
  /** Most live classroom rooms at once; more → 503 until one closes or expires. `ROOM_MAX`. */
  roomMax: number;
  /** Most students who may join one room; more → 409. `ROOM_STUDENT_MAX`. */
  roomStudentMax: number;
  /** Minutes a room with nobody connected may sit idle before it closes. `ROOM_IDLE_MINUTES`. */
  roomIdleMinutes: number;
  /** Most request inboxes at once (room and student inboxes included); more → 503. `INBOX_MAX`. */
  inboxMax: number;
  /** Minutes an inbox may sit unused before it is deleted. `INBOX_IDLE_MINUTES`. */
  inboxIdleMinutes: number;
  /** Captured requests one inbox keeps; the oldest go first. `INBOX_HISTORY`. */
  inboxHistory: number;
  /** Largest body an inbox captures, in bytes; more → 413. `INBOX_BODY_LIMIT`. */
  inboxBodyLimit: number;
  /** Requests one inbox captures per minute; more → 429 with Retry-After. `INBOX_CAPTURES_PER_MINUTE`. */
  inboxCapturesPerMinute: number;
  /** Most open event streams (Server-Sent Events) on the server; more → 503. `STREAM_MAX`. */
  streamMax: number;
  /** Interval of the keep-alive comment on event streams, in ms. `SSE_HEARTBEAT_MS`. */
  sseHeartbeatMs: number;
  /** Rooms, inboxes and room joins one client may create per minute; more → 429. `CLASSROOM_CREATE_PER_MINUTE`. */
  classroomCreatePerMinute: number;
}

export const DEFAULT_CONFIG: Config = {
  port: 3000,
  host: '127.0.0.1',
  logLevel: 'info',
  logFormat: 'auto',
  slowRequestMs: 1_000,
  workers: 1,
  sandboxMax: 5_000,
  sandboxItemLimit: 500,
  sandboxIdleMinutes: 120,
  exportJobMs: 3_000,
  bodyLimit: 1_048_576,
  maxHeaderBytes: 16_384,
  maxUrlLength: 8_192,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  // A lecture hall behind one NAT address shares it: ROOM_STUDENT_MAX (400) students × 5 sockets (an event
  // stream plus the 4 more a browser may open while loading a page) ≈ 2,000. One script still holds no
  // more than this, about a tenth of this machine's descriptor limit (ulimit -n 20,000), and only 6 event
  // streams per room key (STREAMS_PER_MEMBER in server/http/connection-limit.ts).
  maxConnectionsPerClient: 2_048,
  loginRatePerMinute: 30,
  sendRatePerMinute: 300,
  // Budgets per address are a lecture hall's (300 students behind one NAT address): three log-ins, twenty
  // sends, a join and an inbox each a minute, and a few rooms for the staff.
  loginRatePerAddressPerMinute: 900,
  loginFailuresPerMinute: 10,
  sendRatePerAddressPerMinute: 6_000,
  classroomCreatePerAddressPerMinute: 900,
  roomCreatePerAddressPerMinute: 10,
  trustProxy: [],
  // Sends go to this same process (or an allowlisted origin): 32 at once keep both cores busy without
  // letting queued work pile up inside undici; the rest wait in per-client lanes served in turn.
  sendConcurrency: 32,
  // A learner's page sends one request at a time; 4 at once leaves room for a double click and a lesson
  // check, while one client with slow targets cannot hold every slot.
  sendClientConcurrency: 4,
  // Room for a whole hall (ROOM_STUDENT_MAX = 400) pressing Send twice at the same moment, plus spare.
  sendQueueMax: 1_000,
  // Twelve unanswered sends (4 running + 8 waiting) from one learner is a script, not a person.
  sendQueuePerClient: 8,
  // 300 sends take about a second on two cores; past 10 s something else is wrong, so say so.
  sendQueueWaitMs: 10_000,
  allowOrigins: [],
  snapshotIntervalMs: 5_000,
  roomMax: 200,
  roomStudentMax: 400,
  roomIdleMinutes: 720,
  inboxMax: 2_000,
  inboxIdleMinutes: 1_440,
  inboxHistory: 100,
  inboxBodyLimit: 65_536,
  inboxCapturesPerMinute: 120,
  streamMax: 2_000,
  sseHeartbeatMs: 15_000,
  classroomCreatePerMinute: 30,
};

interface IntRule {
  key: keyof Config;
  env: string;
  min: number;
  max: number;
}

const INT_RULES: IntRule[] = [
  { key: 'port', env: 'PORT', min: 0, max: 65_535 },
  { key: 'sandboxMax', env: 'SANDBOX_MAX', min: 2, max: 1_000_000 },
  { key: 'sandboxItemLimit', env: 'SANDBOX_ITEM_LIMIT', min: 1, max: 100_000 },
  { key: 'sandboxIdleMinutes', env: 'SANDBOX_IDLE_MINUTES', min: 1, max: 10_080 },
  { key: 'exportJobMs', env: 'EXPORT_JOB_MS', min: 0, max: 600_000 },
  { key: 'bodyLimit', env: 'BODY_LIMIT', min: 1_024, max: 104_857_600 },
  { key: 'maxHeaderBytes', env: 'MAX_HEADER_BYTES', min: 1_024, max: 1_048_576 },
  { key: 'maxUrlLength', env: 'MAX_URL_LENGTH', min: 256, max: 1_000_000 },
  { key: 'headersTimeoutMs', env: 'HEADERS_TIMEOUT_MS', min: 1_000, max: 600_000 },
  { key: 'requestTimeoutMs', env: 'REQUEST_TIMEOUT_MS', min: 1_000, max: 3_600_000 },
  { key: 'keepAliveTimeoutMs', env: 'KEEP_ALIVE_TIMEOUT_MS', min: 100, max: 600_000 },
  { key: 'maxConnectionsPerClient', env: 'MAX_CONNECTIONS_PER_CLIENT', min: 1, max: 100_000 },
  { key: 'loginRatePerMinute', env: 'LOGIN_RATE_PER_MINUTE', min: 1, max: 100_000 },
  { key: 'roomMax', env: 'ROOM_MAX', min: 1, max: 10_000 },
  { key: 'roomStudentMax', env: 'ROOM_STUDENT_MAX', min: 1, max: 5_000 },
  { key: 'roomIdleMinutes', env: 'ROOM_IDLE_MINUTES', min: 1, max: 10_080 },
  { key: 'inboxMax', env: 'INBOX_MAX', min: 1, max: 100_000 },
  { key: 'inboxIdleMinutes', env: 'INBOX_IDLE_MINUTES', min: 1, max: 43_200 },
  { key: 'inboxHistory', env: 'INBOX_HISTORY', min: 1, max: 1_000 },
  { key: 'inboxBodyLimit', env: 'INBOX_BODY_LIMIT', min: 1_024, max: 1_048_576 },
  { key: 'inboxCapturesPerMinute', env: 'INBOX_CAPTURES_PER_MINUTE', min: 1, max: 100_000 },
  { key: 'streamMax', env: 'STREAM_MAX', min: 1, max: 100_000 },
  { key: 'sseHeartbeatMs', env: 'SSE_HEARTBEAT_MS', min: 1_000, max: 120_000 },
  { key: 'classroomCreatePerMinute', env: 'CLASSROOM_CREATE_PER_MINUTE', min: 1, max: 100_000 },
  { key: 'slowRequestMs', env: 'SLOW_REQUEST_MS', min: 0, max: 600_000 },
  { key: 'workers', env: 'WORKERS', min: 1, max: 64 },
  { key: 'sendRatePerMinute', env: 'SEND_RATE_PER_MINUTE', min: 1, max: 1_000_000 },
  { key: 'loginRatePerAddressPerMinute', env: 'LOGIN_RATE_PER_ADDRESS_PER_MINUTE', min: 1, max: 1_000_000 },
  { key: 'loginFailuresPerMinute', env: 'LOGIN_FAILURES_PER_MINUTE', min: 1, max: 10_000 },
  { key: 'sendRatePerAddressPerMinute', env: 'SEND_RATE_PER_ADDRESS_PER_MINUTE', min: 1, max: 10_000_000 },
  { key: 'classroomCreatePerAddressPerMinute', env: 'CLASSROOM_CREATE_PER_ADDRESS_PER_MINUTE', min: 1, max: 1_000_000 },
  { key: 'roomCreatePerAddressPerMinute', env: 'ROOM_CREATE_PER_ADDRESS_PER_MINUTE', min: 1, max: 100_000 },
  { key: 'sendConcurrency', env: 'SEND_CONCURRENCY', min: 1, max: 1_024 },
  { key: 'sendClientConcurrency', env: 'SEND_CLIENT_CONCURRENCY', min: 1, max: 1_024 },
  { key: 'sendQueueMax', env: 'SEND_QUEUE_MAX', min: 0, max: 100_000 },
  { key: 'sendQueuePerClient', env: 'SEND_QUEUE_PER_CLIENT', min: 1, max: 10_000 },
  { key: 'sendQueueWaitMs', env: 'SEND_QUEUE_WAIT_MS', min: 100, max: 120_000 },
  { key: 'snapshotIntervalMs', env: 'SNAPSHOT_INTERVAL_MS', min: 100, max: 3_600_000 },
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

/** Why WORKERS above 1 is refused: what a second process would not see. */
const WORKERS_REFUSED = (workers: number) =>
  `WORKERS=${workers} is refused: this server keeps learners' state in the memory of one process — private ` +
  'sandboxes, log-in sessions and tokens, classroom rooms and their event streams, inboxes, rate limits and ' +
  'the send queue. A second process would not know a session, sandbox or room made on the first, so requests ' +
  'would fail at random depending on which process took the connection. Shared state between processes is ' +
  'issue 17; until it lands, use WORKERS=1 (the default).';

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
  if (env.DATA_DIR) config.dataDir = env.DATA_DIR;
  if (env.LESSONS_DIR) config.lessonsDir = env.LESSONS_DIR;
  if (env.TRUST_PROXY) {
    config.trustProxy = env.TRUST_PROXY.split(',').map((entry) => entry.trim()).filter(Boolean);
    for (const entry of config.trustProxy) {
      if (!/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(entry)) {
        throw new ConfigError(`TRUST_PROXY contains ${JSON.stringify(entry)}, which is not an address or range. Use a comma list such as 10.0.0.5,192.168.0.0/16 or loopback.`);
      }
    }
  }
  if (env.SANDBOX_ALLOW_ORIGINS) {
    config.allowOrigins = env.SANDBOX_ALLOW_ORIGINS.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
      let origin: string;
      try {
        origin = new URL(entry).origin;
      } catch {
        origin = 'null';
      }
      if (origin === 'null' || !/^https?:/.test(entry)) {
        throw new ConfigError(`SANDBOX_ALLOW_ORIGINS contains ${JSON.stringify(entry)}, which is not an http(s) origin. Use a comma list such as https://example.org,http://10.0.0.5:8080.`);
      }
      return origin;
    });
  }
  if (env.LOG_LEVEL) {
    if (!LOG_LEVELS.includes(env.LOG_LEVEL)) {
      throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not valid: use one of ${LOG_LEVELS.join(', ')}.`);
    }
    config.logLevel = env.LOG_LEVEL;
  }
  if (env.LOG_FORMAT) {
    if (!['auto', 'pretty', 'json'].includes(env.LOG_FORMAT)) {
      throw new ConfigError(`LOG_FORMAT=${JSON.stringify(env.LOG_FORMAT)} is not valid: use pretty, json or auto (pretty in a terminal, JSON otherwise).`);
    }
    config.logFormat = env.LOG_FORMAT as Config['logFormat'];
  }
  if (config.workers > 1) throw new ConfigError(WORKERS_REFUSED(config.workers));
  return config;
}
