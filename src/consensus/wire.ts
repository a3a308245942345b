import { decode, encode } from 'cborg'
import { equalBytes } from './encoding.ts'
import type { z } from 'zod'

/**
 * CBOR framing shared by bundles and validator messages. A decoder accepts many encodings of
 * one value, so after decoding and checking the schema we re-encode and demand the same bytes:
 * every accepted message has exactly one encoding, and hashes are taken over typed fields only.
 */

export function encodeCbor (value: unknown): Uint8Array {
  return encode(value)
}

/** Decodes, checks the schema, and insists on the canonical encoding; `fail` names the error. */
export function decodeCanonical<T> (bytes: Uint8Array, schema: z.ZodType<T>, maxBytes: number, fail: (message: string, cause?: unknown) => Error): T {
  if (!(bytes instanceof Uint8Array)) throw fail('not bytes')
  if (bytes.byteLength > maxBytes) throw fail(`${bytes.byteLength} bytes exceed the limit of ${maxBytes}`)
  let raw: unknown
  try {
    raw = decode(bytes, { strict: true, rejectDuplicateMapKeys: true, useMaps: false, allowUndefined: false, allowInfinity: false, allowNaN: false, allowBigInt: false, allowIndefinite: false })
  } catch (err) {
    throw fail('not valid CBOR', err)
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw fail(`schema: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300)}`)
  if (!equalBytes(encode(parsed.data), bytes)) throw fail('not the canonical encoding')
  return parsed.data
}
