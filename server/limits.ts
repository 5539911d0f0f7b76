// Every fixed limit of the server — the ceilings an operator cannot change — gathered in one index. Each is
// defined beside the code it bounds, with the reason for its value in the doc comment above it (a constant
// right below another shares that comment); this file only lists them. The README's "Fixed limits" table is
// generated from the modules named here (`npm run docs`, server/docs/limits-table.ts), and its test fails
// when a limit has no reason. Limits an operator may tune are settings, in server/config.ts.
// Adding a fixed limit: define it with its reason next to its code, and name it here.
export * from './classroom/limits';
export * from './echo/limits';
export { MAX_JSON_DEPTH } from './echo/request-echo';
export { SEND_LIMITS } from './protocol/send-limits';
export { MAX_DECODED_BYTES } from './send/body-decode';
export { FLOOD_RETRY_AFTER_S, OVERLOAD_RETRY_AFTER_S } from './send/send-queue';
export { OVER_LIMIT_ANSWERED, OVER_LIMIT_REQUEST_MS, CONNECTION_LIMIT_RETRY_AFTER_S, STREAMS_PER_MEMBER } from './http/connection-limit';
export { SLOW_LOG_EVERY_MS } from './http/slow-requests';
export { SERIALISED_MAX } from './http/send-representation';
export { MAX_JOBS, JOB_KEPT_MS } from './store/export-jobs';
export { MAX_TRUSTED_HOPS } from './services/client-address';
export { CERT_EXPIRY_WARNING_DAYS } from './http/tls';
export { READY_PING_TIMEOUT_MS, READY_RETRY_AFTER_S } from './services/readiness';
export { SHUTDOWN_RETRY_AFTER_S } from './http/shutdown-answer';
export { MAX_GOAL_DEPTH, MAX_GOAL_CONDITIONS, MAX_REPEATED_TIMES } from './protocol/lesson-goals';
export { TRACES_KEPT, TRACE_TTL_MS } from './trace/trace-store';
export { TRACE_MAX_STEPS, TRACE_TEXT_MAX, TRACE_CHANGES_MAX } from './trace/tracer';
