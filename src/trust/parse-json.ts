import type { z } from 'zod'
import { MalformedTrustDataError } from './errors.ts'

/** Parses JSON text (or takes a parsed value) and validates it, throwing MalformedTrustDataError naming `what`. */
export function parseJsonWith<T> (schema: z.ZodType<T>, input: unknown, what: string): T {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (cause) {
      throw new MalformedTrustDataError(`${what} is not JSON`, { cause })
    }
  }
  const result = schema.safeParse(value)
  if (!result.success) throw new MalformedTrustDataError(`not a ${what}: ${result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return result.data
}
