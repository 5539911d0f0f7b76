// Each request gets its own logger (request.log, with its reqId). Fastify makes it with pino's child(),
// which serialises the bindings up front — work done for every request although, with request logging off
// (LOG_LEVEL info: only errors, slow requests and deliberate answers are logged), almost none ever writes a
// line. This factory hands out a stand-in that makes the real child only when a line is first written.
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyChildLoggerFactory } from 'fastify/types/logger';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];

class LazyChildLogger {
  #parent: FastifyBaseLogger;
  #bindings: Bindings;
  #options: ChildOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  get level(): string {
    return this.#child?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  // Methods on the prototype, not arrow functions in fields: a request's stand-in is one small object, with no
  // closures made for it.
  fatal(...args: Parameters<FastifyBaseLogger['fatal']>): void {
    this.#real().fatal(...args);
  }
  error(...args: Parameters<FastifyBaseLogger['error']>): void {
    this.#real().error(...args);
  }
  warn(...args: Parameters<FastifyBaseLogger['warn']>): void {
    this.#real().warn(...args);
  }
  info(...args: Parameters<FastifyBaseLogger['info']>): void {
    this.#real().info(...args);
  }
  debug(...args: Parameters<FastifyBaseLogger['debug']>): void {
    this.#real().debug(...args);
  }
  trace(...args: Parameters<FastifyBaseLogger['trace']>): void {
    this.#real().trace(...args);
  }
  silent(...args: Parameters<FastifyBaseLogger['silent']>): void {
    this.#real().silent(...args);
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

export const lazyChildLogger: FastifyChildLoggerFactory = (logger, bindings, options) =>
  new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
