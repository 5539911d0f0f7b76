// Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), made lazy: a route's
// validator and serializer are compiled when the route first needs them, not all of them at start, and the
// compilers themselves (Ajv, fast-json-stringify and what they use) are loaded then too. Generating and compiling
// that code for every route at start took about 7 MB of the idle process's memory (issue 15), for routes a class
// may never call; the first request to a route pays a few milliseconds once.
// Same compilers, same options, same schemas: only the moment changes. So a broken route schema is reported by
// that route's first request (a 500), not at start: the route tests exercise every route's schemas.
import { createRequire } from 'node:module';
import type { ValidatorFactory } from '@fastify/ajv-compiler';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';

// Loaded synchronously on a route's first request (a validator cannot wait for a dynamic import).
const load = createRequire(import.meta.url);

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type BuildValidators = (schemas: unknown, options: unknown) => (route: unknown) => Validate;

/**
 * Fastify's default request validators, each compiled on its first use. Fastify reads `schemaEnv` (to let Ajv
 * coerce the root value) and `errors` (after a failed check) from the function, so both are passed through.
 * (Supplying a factory marks the validator as custom, which only changes how a `headers` schema with capitals
 * is treated; no route here has one.)
 */
export function lazyValidators(): ValidatorFactory {
  const factory = (schemas: unknown, options: unknown) => {
    let compiler: ((route: unknown) => Validate) | undefined;
    const compile = (route: unknown) => {
      compiler ??= ((load('@fastify/ajv-compiler') as () => BuildValidators)())(schemas, options);
      return compiler(route);
    };
    return (route: unknown) => {
      let compiled: Validate | undefined;
      const validator = () => (compiled ??= compile(route));
      const validate = (data: unknown, context?: unknown) => validator()(data, context);
      Object.defineProperty(validate, 'errors', { get: () => validator().errors });
      Object.defineProperty(validate, 'schemaEnv', { get: () => validator().schemaEnv });
      return validate;
    };
  };
  return factory as unknown as ValidatorFactory;
}

/** Fastify's default response serializers, each compiled on its first use. */
export function lazySerializers(): SerializerFactory {
  return (schemas, options) => {
    let compiler: ReturnType<SerializerFactory> | undefined;
    const compile: ReturnType<SerializerFactory> = (route) => {
      compiler ??= (load('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory }).SerializerSelector()(schemas, options);
      return compiler(route);
    };
    return (route) => {
      let compiled: ((data: unknown) => string) | undefined;
      return (data: unknown) => (compiled ??= compile(route))(data);
    };
  };
}
