// Every setting of the server, each written once in the SETTINGS table below: its key in `Config`, its
// environment variable, its default, the values it allows and the line that documents it. The `Config`
// type, DEFAULT_CONFIG, the checks at start (readConfig) and the README's Configuration table (`npm run
// docs`, server/docs/config-table.ts) are all derived from that one row, so they cannot drift apart.
//
// Adding a setting is a one-row change: add a row to SETTINGS with one of the row builders
//   whole(env, default, [min, max], doc)      a whole number within a range (every knob has a ceiling)
//   oneOf(env, default, [values…], doc)       one word from a list
//   text(env, default, allowed, doc)          free text (a host name, a folder); `undefined` default: unset
//   list(env, entry, what, example, doc)      a comma list, each entry checked (and normalised) by `entry`
// then read it as `config.<key>` (buildApp's options carry it to the plugin that needs it) and run
// `npm run docs` to regenerate the README table. Put a comment above the row when the default needs a
// reason. Rules between settings (one setting refused because of another) go in CROSS_CHECKS.
// Limits that are not configurable live next to the code they bound and are listed in server/limits.ts.

import { availableParallelism } from 'node:os';
import { MAX_TRUSTED_HOPS, parseProxyTrust } from './services/client-address';

/** WORKERS when unset with REDIS_URL: one per core, but no more than this (each process holds its own caches,
 *  Redis connections and event streams; past a few processes a course server gains little). */
export const WORKERS_PER_CORE_MAX = 8;

/** One setting: the parts a row gives. `parse` turns the variable's text into the value or throws ConfigError. */
export interface Setting<T> {
  env: string;
  default: T;
  /** What values are allowed, for the README ("1 – 64", "`pretty`, `json`, `auto`", "comma list"). */
  allowed: string;
  doc: string;
  parse(raw: string): T;
}

export class ConfigError extends Error {}

const readable = (n: number) => n.toLocaleString('en-US');

function whole(env: string, fallback: number, [min, max]: [number, number], doc: string): Setting<number> {
  return {
    env,
    default: fallback,
    allowed: `${readable(min)} – ${readable(max)}`,
    doc,
    parse(raw) {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new ConfigError(`${env}=${JSON.stringify(raw)} is not valid: use a whole number from ${min} to ${max}.`);
      }
      return value;
    },
  };
}

function oneOf<const V extends string>(env: string, fallback: NoInfer<V>, values: readonly V[], doc: string): Setting<V> {
  return {
    env,
    default: fallback,
    allowed: values.map((value) => `\`${value}\``).join(', '),
    doc,
    parse(raw) {
      if (!(values as readonly string[]).includes(raw)) {
        throw new ConfigError(`${env}=${JSON.stringify(raw)} is not valid: use ${values.slice(0, -1).join(', ')} or ${values.at(-1)}.`);
      }
      return raw as V;
    },
  };
}

function text<T extends string | undefined>(env: string, fallback: T, allowed: string, doc: string): Setting<string | T> {
  return { env, default: fallback, allowed, doc, parse: (raw) => raw };
}

/** REDIS_URL: a redis:// or rediss:// (TLS) URL, e.g. redis://127.0.0.1:6379/0. */
function redisUrl(raw: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL is not a Redis URL. Use redis://host:port (or rediss:// for TLS), for example redis://127.0.0.1:6379, with redis://:password@host:port when Redis asks for a password.`);
  }
  return raw;
}

/** A comma list; `entry` checks one entry and returns it normalised, or undefined when it is not valid. */
function list(env: string, entry: (item: string) => string | undefined, what: string, example: string, doc: string): Setting<string[]> {
  return {
    env,
    default: [],
    allowed: `comma list, e.g. \`${example}\``,
    doc,
    parse(raw) {
      return raw.split(',').map((item) => item.trim()).filter(Boolean).map((item) => {
        const value = entry(item);
        if (value === undefined) throw new ConfigError(`${env} contains ${JSON.stringify(item)}, which is not ${what}. Use a comma list such as ${example}.`);
        return value;
      });
    },
  };
}

function httpOrigin(item: string): string | undefined {
  if (!/^https?:/.test(item)) return undefined;
  try {
    const origin = new URL(item).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** METRICS_TOKEN: long enough not to be guessed, and only characters a header carries as they are. */
function metricsToken(raw: string): string {
  if (raw.length < 16 || raw.length > 200 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError('METRICS_TOKEN must be 16 to 200 visible ASCII characters (no spaces), for example the output of `openssl rand -hex 24`.');
  }
  return raw;
}

const MINUTE_RATE: [number, number] = [1, 100_000];

export const SETTINGS = {
  port: whole('PORT', 3_000, [0, 65_535], 'TCP port to listen on (0: any free port).'),
  host: text('HOST', '127.0.0.1', 'address or host name', 'Interface to bind; `0.0.0.0` serves the classroom LAN.'),
  logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'Least severe log line written; `debug` adds one line per request.'),
  logFormat: oneOf('LOG_FORMAT', 'auto', ['pretty', 'json', 'auto'], '`pretty` (one readable line per event), `json` (JSON lines, for log collectors), `auto` (pretty when the output is a terminal).'),
  slowRequestMs: whole('SLOW_REQUEST_MS', 1_000, [0, 600_000], 'A request slower than this, in ms, is logged at warn (0: never); deliberate waits do not count.'),
  // Learners' state lives in one process's memory; see CROSS_CHECKS for why more is refused.
  workers: whole('WORKERS', 1, [1, 64], `Server processes sharing one port (node:cluster; a worker that dies is started again). Above 1 needs \`REDIS_URL\`, which holds all learners' state, and no \`DATA_DIR\`. Unset: 1 in memory; with \`REDIS_URL\` (and no \`DATA_DIR\`) one per core, at most ${WORKERS_PER_CORE_MAX}.`),
  bodyLimit: whole('BODY_LIMIT', 1_048_576, [1_024, 104_857_600], 'Largest request body accepted, in bytes. Larger → 413.'),
  sandboxMax: whole('SANDBOX_MAX', 5_000, [2, 1_000_000], 'Most private sandboxes held at once; beyond it, sandboxes opened once and never written go first, then the least recently used.'),
  sandboxIdleMinutes: whole('SANDBOX_IDLE_MINUTES', 120, [1, 10_080], 'A private sandbox unused this many minutes may be dropped.'),
  sandboxItemLimit: whole('SANDBOX_ITEM_LIMIT', 500, [1, 100_000], 'Most items per collection per sandbox; more → 507.'),
  exportJobMs: whole('EXPORT_JOB_MS', 3_000, [0, 600_000], 'How long a book export runs before its result is ready, in ms.'),
  maxHeaderBytes: whole('MAX_HEADER_BYTES', 16_384, [1_024, 1_048_576], 'Largest request line + header block, in bytes; more → 431.'),
  maxUrlLength: whole('MAX_URL_LENGTH', 8_192, [256, 1_000_000], 'Longest request URL (path and query), in characters; more → 414.'),
  headersTimeoutMs: whole('HEADERS_TIMEOUT_MS', 10_000, [1_000, 600_000], 'Time a client has to send its headers, in ms; slower → 408.'),
  requestTimeoutMs: whole('REQUEST_TIMEOUT_MS', 30_000, [1_000, 3_600_000], 'Time a client has to send its whole request, in ms; slower → 408.'),
  keepAliveTimeoutMs: whole('KEEP_ALIVE_TIMEOUT_MS', 5_000, [100, 600_000], 'Idle time, in ms, before a kept-alive connection is closed.'),
  // A lecture hall behind one NAT address shares it: ROOM_STUDENT_MAX (400) students × 5 sockets (an event
  // stream plus the 4 more a browser may open while loading a page) ≈ 2,000. One script still holds no
  // more than this, about a tenth of this machine's descriptor limit (ulimit -n 20,000), and only 6 event
  // streams per room key (STREAMS_PER_MEMBER in server/http/connection-limit.ts).
  maxConnectionsPerClient: whole('MAX_CONNECTIONS_PER_CLIENT', 2_048, [1, 100_000], 'Most open connections from one address: a lecture hall of 400 behind one NAT address. More → 503 with `Retry-After` (see *A lecture hall behind one address*).'),
  loginRatePerMinute: whole('LOGIN_RATE_PER_MINUTE', 30, MINUTE_RATE, 'Log-in attempts (session and token) per learner (a sandbox under one address) per minute; more → 429 with `Retry-After`.'),
  // Budgets per address are a lecture hall's (300 students behind one NAT address): three log-ins, twenty
  // sends, a join and an inbox each a minute, and a few rooms for the staff.
  loginRatePerAddressPerMinute: whole('LOGIN_RATE_PER_ADDRESS_PER_MINUTE', 900, [1, 1_000_000], 'Log-in attempts from one address per minute, every learner behind it together.'),
  loginFailuresPerMinute: whole('LOGIN_FAILURES_PER_MINUTE', 10, [1, 10_000], 'Failed log-ins to one account from one address per minute; more → 429 (password guessing).'),
  trustProxy: {
    env: 'TRUST_PROXY',
    default: [] as string[],
    allowed: `a hop count (1 – ${MAX_TRUSTED_HOPS}) or a comma list, e.g. \`10.0.0.5,192.168.0.0/16,loopback\``,
    doc: 'The reverse proxies in front: how many (`1`: the peer is one, whatever its address), or their addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`. Only a request from one of them has its client address, scheme and host read from `Forwarded` or `X-Forwarded-For`/`-Proto`/`-Host` (see *Course server*). Unset: the socket alone counts.',
    parse(raw: string): string[] {
      const entries = raw.split(',').map((item) => item.trim()).filter(Boolean);
      try {
        parseProxyTrust(entries);
      } catch (error) {
        throw new ConfigError(`TRUST_PROXY=${JSON.stringify(raw)} is not valid: ${(error as Error).message}. Use the number of proxies in front (e.g. 1), or a comma list of their addresses such as 10.0.0.5,192.168.0.0/16 or loopback.`);
      }
      return entries;
    },
  },
  sendRatePerMinute: whole('SEND_RATE_PER_MINUTE', 300, [1, 1_000_000], 'Requests one learner may send through the sandbox per minute; more → 429.'),
  sendRatePerAddressPerMinute: whole('SEND_RATE_PER_ADDRESS_PER_MINUTE', 6_000, [1, 10_000_000], 'Requests one address may send through the sandbox per minute, every learner behind it together.'),
  // Sends go to this same process (or an allowlisted origin): 32 at once keep both cores busy without
  // letting queued work pile up inside undici; the rest wait in per-client lanes served in turn.
  sendConcurrency: whole('SEND_CONCURRENCY', 32, [1, 1_024], 'Sends the server performs at once; the rest wait their turn in the send queue.'),
  // A learner's page sends one request at a time; 4 at once leaves room for a double click and a lesson
  // check, while one client with slow targets cannot hold every slot.
  sendClientConcurrency: whole('SEND_CLIENT_CONCURRENCY', 4, [1, 1_024], 'Sends one learner (sandbox cookie, else address) may have in progress at once.'),
  // Room for a whole hall (ROOM_STUDENT_MAX = 400) pressing Send twice at the same moment, plus spare.
  sendQueueMax: whole('SEND_QUEUE_MAX', 1_000, [0, 100_000], 'Sends waiting for a turn on the whole server; more → 503 with `Retry-After`.'),
  // Twelve unanswered sends (4 running + 8 waiting) from one learner is a script, not a person.
  sendQueuePerClient: whole('SEND_QUEUE_PER_CLIENT', 8, [1, 10_000], 'Sends one learner may have waiting; more → 429 with `Retry-After` (a flood, not a class).'),
  // 300 sends take about a second on two cores; past 10 s something else is wrong, so say so.
  sendQueueWaitMs: whole('SEND_QUEUE_WAIT_MS', 10_000, [100, 120_000], 'Longest a send waits for its turn, in ms; longer → 503 with `Retry-After`.'),
  allowOrigins: list('SANDBOX_ALLOW_ORIGINS', httpOrigin, 'an http(s) origin', 'https://api.example.org,http://10.0.0.5:8080', 'Other origins learners may send requests to. A listed name must resolve to public addresses (checked on every connection); list an address (`http://10.0.0.5:8080`) or `localhost` to reach the local network. Link-local (cloud metadata), unspecified, multicast and reserved addresses are never dialled, even when listed.'),
  lessonsDir: text('LESSONS_DIR', undefined, 'folder', 'Folder of the lessons (`walkthroughs/*.md` and `schema/`), for instructors\' own lessons; checked at start. Unset: `lessons/`.'),
  dataDir: text('DATA_DIR', undefined, 'folder', 'Folder for learners\' data: a journal of every change (flushed before it is acknowledged) and snapshots. Unset: memory only. With it, a restart or a crash loses no acknowledged write. Locked to one server; created `0700`.'),
  redisUrl: { ...text('REDIS_URL', undefined, '`redis://` or `rediss://` URL', 'Redis 7 that keeps sandboxes, sessions and tokens, rate-limit buckets, classroom rooms, inboxes and classroom events (live and for replay), shared by every server process that names it (`DATA_DIR` then keeps none of these). Unset: all in this process\'s memory. While Redis is unreachable, requests that need it get 503 with `Retry-After`.'), parse: redisUrl },
  snapshotIntervalMs: whole('SNAPSHOT_INTERVAL_MS', 5_000, [100, 3_600_000], 'How often, in ms, the whole state is written to `DATA_DIR` and the journal emptied (room broadcasts, inbox captures and activity times are saved only then; also at shutdown).'),
  // Operating a course server (issue 17): HTTPS without a proxy, and who may read /metrics.
  tlsCert: text('TLS_CERT', undefined, 'PEM file', 'Certificate chain (PEM) to serve HTTPS directly, without a proxy in front; needs `TLS_KEY`. Checked at start. Unset: plain HTTP.'),
  tlsKey: text('TLS_KEY', undefined, 'PEM file', 'Private key (PEM) of `TLS_CERT`; needs `TLS_CERT`. Keep it readable by the server\'s user only.'),
  metricsToken: { ...text('METRICS_TOKEN', undefined, '16 – 200 characters', 'Lets a Prometheus scraper read `GET /metrics` from anywhere with `Authorization: Bearer <token>`. Unset: `/metrics` answers this machine only (loopback clients, not through a proxy).'), parse: metricsToken },
  roomMax: whole('ROOM_MAX', 200, [1, 10_000], 'Most live classroom rooms; more → 503 until one closes or expires. One address may hold at most a quarter of them (429 past it).'),
  roomStudentMax: whole('ROOM_STUDENT_MAX', 400, [1, 5_000], 'Most students in one room; more → 409.'),
  roomIdleMinutes: whole('ROOM_IDLE_MINUTES', 720, [1, 10_080], 'A room nobody is connected to closes after this many minutes.'),
  inboxMax: whole('INBOX_MAX', 2_000, [1, 100_000], 'Most request inboxes (room and student inboxes included); more → 503. One address may make at most a quarter of them (429 past it).'),
  inboxIdleMinutes: whole('INBOX_IDLE_MINUTES', 1_440, [1, 43_200], 'An unused inbox is deleted after this many minutes.'),
  inboxHistory: whole('INBOX_HISTORY', 100, [1, 1_000], 'Captured requests one inbox keeps; the oldest go first.'),
  inboxBodyLimit: whole('INBOX_BODY_LIMIT', 65_536, [1_024, 1_048_576], 'Largest body an inbox captures, in bytes; more → 413.'),
  inboxCapturesPerMinute: whole('INBOX_CAPTURES_PER_MINUTE', 120, MINUTE_RATE, 'Requests one inbox captures per minute; more → 429 with `Retry-After`.'),
  streamMax: whole('STREAM_MAX', 2_000, [1, 100_000], 'Most open event streams (Server-Sent Events) on the server; more → 503.'),
  // A hall's worth of readers a lecture behind is a few MiB; 64 MiB lets many fall far behind before any is cut.
  streamBufferBudgetBytes: whole('STREAM_BUFFER_BUDGET_BYTES', 64 * 1_048_576, [65_536, 4_294_967_296], 'Bytes all event streams\' send buffers may hold together, each event counted once however many streams hold it. Past it the readers furthest behind are cut off (their browser reconnects with `Last-Event-ID` and catches up), so paused readers cannot grow the server\'s memory.'),
  // A few large broadcasts: a reader that is that far behind is not reading.
  streamMaxBufferedBytes: whole('STREAM_MAX_BUFFERED_BYTES', 4 * 1_048_576, [16_384, 1_073_741_824], 'Bytes one event stream may have waiting in its send buffer before its reader is cut off (it reconnects with `Last-Event-ID` and catches up).'),
  sseHeartbeatMs: whole('SSE_HEARTBEAT_MS', 15_000, [1_000, 120_000], 'Interval of the keep-alive comment on event streams, in ms.'),
  classroomCreatePerMinute: whole('CLASSROOM_CREATE_PER_MINUTE', 30, MINUTE_RATE, 'Rooms, inboxes and joins one learner may create per minute; more → 429.'),
  classroomCreatePerAddressPerMinute: whole('CLASSROOM_CREATE_PER_ADDRESS_PER_MINUTE', 900, [1, 1_000_000], 'Inboxes and room joins one address may create per minute, every learner behind it together.'),
  roomCreatePerAddressPerMinute: whole('ROOM_CREATE_PER_ADDRESS_PER_MINUTE', 10, MINUTE_RATE, 'Rooms one address may start per minute.'),
  roomCodeFailuresPerMinute: whole(
    'ROOM_CODE_FAILURES_PER_MINUTE',
    60,
    MINUTE_RATE,
    'Room codes naming no room that one address may try per minute (also the burst); past it every room code from that address is refused 429 for a while, so guessing codes is slow. Join links and QR codes carry a secret and are never refused. 60 covers the typos of a 300-student hall behind one address.',
  ),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;

/** The server's configuration: one field per SETTINGS row, typed by the row. */
export type Config = { [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };

export const DEFAULT_CONFIG: Config = Object.fromEntries(
  Object.entries(SETTINGS).map(([key, setting]) => [key, setting.default]),
) as Config;

/** Why WORKERS above 1 is refused without REDIS_URL: what a second process would not see. */
const WORKERS_REFUSED = (workers: number) =>
  `WORKERS=${workers} is refused: this server keeps learners' state in the memory of one process — private ` +
  'sandboxes, log-in sessions and tokens, rate limits, classroom rooms, inboxes and events, Idempotency-Key answers and book export jobs. A second process would not know a ' +
  'session, sandbox or room made on the first, so requests would fail at random depending on which process took ' +
  'the connection. Set REDIS_URL to share that state through Redis, or use WORKERS=1 (the default).';

/** Rules between settings, checked after every row is read: each returns why the configuration is refused. */
const CROSS_CHECKS: ((config: Config) => string | undefined)[] = [
  // A certificate without its key (or the reverse) cannot serve HTTPS, and plain HTTP would surprise.
  (config) =>
    (config.tlsCert === undefined) !== (config.tlsKey === undefined)
      ? `${config.tlsCert === undefined ? 'TLS_KEY is set but TLS_CERT is not' : 'TLS_CERT is set but TLS_KEY is not'}: HTTPS needs both, the certificate chain (TLS_CERT) and its private key (TLS_KEY), as PEM files. Set both, or neither to serve plain HTTP.`
      : undefined,
  (config) => (config.workers > 1 && config.redisUrl === undefined ? WORKERS_REFUSED(config.workers) : undefined),
  // DATA_DIR is locked to one process, and with REDIS_URL Redis keeps the state: several workers share Redis only.
  (config) =>
    config.workers > 1 && config.dataDir !== undefined
      ? `DATA_DIR with WORKERS=${config.workers} is refused: DATA_DIR is locked to one server process, and with REDIS_URL learners' state lives in Redis, not in DATA_DIR. Unset DATA_DIR to run several workers (Redis keeps the state), or use WORKERS=1.`
      : undefined,
];

/** Reads and checks the configuration; throws ConfigError naming the variable when a value is bad. `cores`:
 *  how many processes this machine runs at once (for WORKERS when it is unset). */
export function readConfig(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): Config {
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') config[key] = setting.parse(raw);
  }
  // WORKERS unset: one process per core where processes can share learners' state (Redis), one otherwise.
  if ((env.WORKERS ?? '') === '' && config.redisUrl !== undefined && config.dataDir === undefined) {
    config.workers = Math.max(1, Math.min(cores, WORKERS_PER_CORE_MAX));
  }
  for (const check of CROSS_CHECKS) {
    const refusal = check(config as Config);
    if (refusal) throw new ConfigError(refusal);
  }
  return config as Config;
}
