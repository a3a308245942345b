import { decode, encode } from 'cborg'
import { z } from 'zod'
import { MAX_CATALOG_PAGE, MAX_LABEL_LENGTH, MAX_RECORD_BYTES } from './constants.ts'
import { CatalogProtocolError } from './errors.ts'

/**
 * Catalog protocol messages (protocols/registry/SPEC.md, "Catalog protocol"): one request, one
 * response, each a single varint-length-prefixed deterministic CBOR map on a fresh stream.
 */

/** Response status codes; anything else is a protocol error. */
export const CATALOG_STATUS = { OK: 0, BAD_REQUEST: 1, LIMIT: 2, INTERNAL: 3 } as const

const label = z.string().min(1).max(MAX_LABEL_LENGTH)

export const catalogRequestSchema = z.strictObject({
  v: z.literal(1),
  /** Return names strictly after this one (paging); records come sorted by name. */
  after: label.optional(),
  limit: z.number().int().min(1).max(MAX_CATALOG_PAGE).optional(),
  /** Optional server-side narrowing; the client re-checks every record anyway. */
  type: label.optional(),
  category: label.optional(),
  text: label.optional()
})

export const catalogResponseSchema = z.strictObject({
  v: z.literal(1),
  status: z.number().int().min(0).max(255),
  records: z.array(z.instanceof(Uint8Array).refine(b => b.length <= MAX_RECORD_BYTES, 'record too large')).max(MAX_CATALOG_PAGE),
  /** True when more records follow `after` the last one returned. */
  more: z.boolean()
})

export type CatalogRequest = z.infer<typeof catalogRequestSchema>
export type CatalogResponse = z.infer<typeof catalogResponseSchema>

export function encodeCatalogMessage (msg: CatalogRequest | CatalogResponse): Uint8Array {
  return encode(msg)
}

export function decodeCatalogRequest (bytes: Uint8Array): CatalogRequest {
  return parse(catalogRequestSchema, bytes, 'request')
}

export function decodeCatalogResponse (bytes: Uint8Array): CatalogResponse {
  return parse(catalogResponseSchema, bytes, 'response')
}

function parse<T> (schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  let value: unknown
  try {
    value = decode(bytes, { strict: true, rejectDuplicateMapKeys: true, useMaps: false })
  } catch (err: any) {
    throw new CatalogProtocolError(`catalog ${what} is not CBOR: ${err.message}`)
  }
  const result = schema.safeParse(value)
  if (!result.success) throw new CatalogProtocolError(`bad catalog ${what}: ${result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return result.data
}
