import { HyperMeshError } from '../util/errors.ts'

/** The request had no bearer token, or the wrong one. */
export class UnauthorizedError extends HyperMeshError {}
/** The request body was not valid JSON (or not the JSON the route takes). */
export class BadRequestError extends HyperMeshError {}
/** No such route. */
export class RouteNotFoundError extends HyperMeshError {}

/** The control API's error body: stable `code`, human `message`, optional `hint`. */
export interface ApiErrorBody {
  code: string
  message: string
  hint?: string
}

/**
 * Chooses an HTTP status from an error's name, so a new error class needs no table entry when it
 * follows the naming habit (…NotFoundError, Invalid…, …TooLarge…, …InUse…).
 */
export function statusFor (err: unknown): number {
  if (!(err instanceof Error)) return 500
  const name = err.name
  if (name === 'UnauthorizedError') return 401
  if (name === 'RouteNotFoundError' || name.endsWith('NotFoundError')) return 404
  if (name === 'BadRequestError' || name.startsWith('Invalid') || name.includes('TooLarge') || name.includes('Malformed')) return 400
  if (name.includes('InUse') || name.includes('Exists')) return 409
  if (name === 'AbortError' || name === 'TimeoutError') return 504
  if (err instanceof HyperMeshError) return 422
  return 500
}

export function toErrorBody (err: unknown): ApiErrorBody {
  if (err instanceof HyperMeshError) {
    return { code: err.code, message: err.message, ...(err.hint != null ? { hint: err.hint } : {}) }
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return { code: 'TIMEOUT', message: err.message }
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}
