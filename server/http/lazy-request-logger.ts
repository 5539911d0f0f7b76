// Each request gets its own logger (request.log, with its reqId). Fastify makes it with pino's child(),
// which serialises the bindings up front — work done for every request although, with request logging off
// (LOG_LEVEL info: only errors, slow requests and deliberate answers are logged), almost none ever writes a
// line. This factory hands out a stand-in that makes the real child only when a line is first written.
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyChildLoggerFactory } from 'fastify/types/logger';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// The level methods are added to the prototype below.
interface LazyChildLogger extends Pick<FastifyBaseLogger, (typeof LEVELS)[number]> {}

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

  /** The request's real pino child, made on first use. */
  real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  get level(): string {
    return this.#child?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

// One method per level on the prototype, not arrow functions in fields: a request's stand-in is one small
// object, with no closures made for it.
for (const level of LEVELS) {
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value(this: LazyChildLogger, ...args: unknown[]) {
      const real = this.real();
      (real[level] as (...line: unknown[]) => void).apply(real, args);
    },
  });
}

export const lazyChildLogger: FastifyChildLoggerFactory = (logger, bindings, options) =>
  new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
