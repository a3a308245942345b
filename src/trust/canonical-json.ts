import { MalformedTrustDataError } from './errors.ts'

/**
 * Canonical JSON for signed trust documents (mesh roots): UTF-8, object keys sorted by UTF-16
 * code units as in RFC 8785, no whitespace, undefined members dropped, only safe integers as
 * numbers (so every number has one spelling). Signing these bytes makes a signature independent
 * of how a file was pretty-printed.
 */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new MalformedTrustDataError(`canonical JSON allows only safe integers, got ${value}`)
    return String(value)
  }
  if (Array.isArray(value)) return '[' + value.map(item => canonicalJson(item)).join(',') + ']'
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter(k => (value as Record<string, unknown>)[k] !== undefined).sort()
    return '{' + keys.map(k => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k])).join(',') + '}'
  }
  throw new MalformedTrustDataError(`canonical JSON cannot encode a ${typeof value}`)
}

export function canonicalJsonBytes (value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value))
}
