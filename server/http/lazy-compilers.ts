// Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), made lazy: a route's
// validator and serializer are compiled when the route first needs them, not all of them at start. Generating
// and compiling that code for every route at start took about 7 MB of the idle process's memory (issue 15), for
// routes a class may never call; the first request to a route pays a few milliseconds once.
// Same compilers, same options, same schemas: only the moment changes. So a broken route schema is reported by
// that route's first request (a 500), not at start: the route tests exercise every route's schemas.
import { default as buildAjvCompilers } from '@fastify/ajv-compiler';
import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import type { ValidatorFactory } from '@fastify/ajv-compiler';

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/**
 * Fastify's default request validators, each compiled on its first use. Fastify reads `schemaEnv` (to let Ajv
 * coerce the root value) and `errors` (after a failed check) from the function, so both are passed through.
 * (Supplying a factory marks the validator as custom, which only changes how a `headers` schema with capitals
 * is treated; no route here has one.)
 */
export function lazyValidators(): ValidatorFactory {
  const build = buildAjvCompilers() as unknown as (schemas: unknown, options: unknown) => (route: unknown) => Validate;
  const factory = (schemas: unknown, options: unknown) => {
    const compile = build(schemas, options);
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
  const build = SerializerSelector();
  return (schemas, options) => {
    const compile = build(schemas, options);
    return (route) => {
      let compiled: ((data: unknown) => string) | undefined;
      return (data: unknown) => (compiled ??= compile(route))(data);
    };
  };
}
