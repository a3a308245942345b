/**
 * The daemon: one process holding the node and an HTTP control API on 127.0.0.1 that requires
 * the data dir's bearer token. Routes live under `/api/v1`; errors are JSON `{code, message,
 * hint?}`; long operations stream NDJSON progress (see `ndjson.ts`).
 */
export { startDaemon } from './daemon.ts'
export type { Daemon } from './daemon.ts'
export { createApiServer, API_PREFIX } from './server.ts'
export { streamOperation } from './ndjson.ts'
export { statusFor, toErrorBody, UnauthorizedError, BadRequestError, RouteNotFoundError } from './errors.ts'
export type { ApiErrorBody } from './errors.ts'
