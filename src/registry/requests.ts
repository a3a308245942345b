import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { HyperMeshError } from '../util/errors.ts'
import type { OperationOptions } from '../util/progress.ts'
import { MAX_LABEL_LENGTH } from './constants.ts'
import type { FetchProgress, PublishProgress, SearchProgress } from './progress.ts'
import type { FetchResult, PublishResult, Registry } from './registry.ts'
import type { PackageInfo } from './judge.ts'
import type { RecordBody } from './record.ts'

/**
 * The control API's registry requests, checked and carried out here so a daemon route is one
 * line: `return publishRequest(registry, request.body, { signal, onProgress })`. Bodies are the
 * ones the CLI modules send (src/cli/commands/{publish,search,info,fetch}.ts).
 */

/** A registry request body or query that does not match its schema (HTTP 400 by its name). */
export class InvalidRegistryRequestError extends HyperMeshError {}

const path = z.string().min(1).max(4096)
const label = z.string().min(1).max(MAX_LABEL_LENGTH)

export const publishRequestSchema = z.strictObject({
  /** The package directory, absolute. */
  dir: path,
  /** PEM bundle: publisher certificate then intermediates. */
  cert: path,
  /** PKCS#8 PEM private key of the publisher certificate. */
  key: path,
  republish: z.boolean().optional(),
  chunkSize: z.number().int().positive().optional()
})

export const searchRequestSchema = z.strictObject({
  text: label.optional(),
  type: label.optional(),
  category: label.optional(),
  range: label.optional(),
  verifiedOnly: z.boolean().optional()
})

export const fetchRequestSchema = z.strictObject({
  /** `name[@range]`. */
  spec: label,
  /** Target directory, absolute; must not exist. */
  out: path
})

export const infoRequestSchema = z.strictObject({ name: label })

function parse<T> (schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {})
  if (!r.success) throw new InvalidRegistryRequestError(`bad ${what} request: ${r.error.issues.map(i => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`)
  return r.data
}

/** POST /api/v1/registry/publish (NDJSON progress). Reads the key and chain from the given paths on this host. */
export async function publishRequest (registry: Registry, body: unknown, options: OperationOptions<PublishProgress> = {}): Promise<PublishResult> {
  const req = parse(publishRequestSchema, body, 'publish')
  const [chain, key] = await Promise.all([readFile(req.cert, 'utf8'), readFile(req.key, 'utf8')])
  return registry.publish(req.dir, { chain, key, republish: req.republish, chunkSize: req.chunkSize, ...options })
}

/** POST /api/v1/registry/search (NDJSON progress). */
export async function searchRequest (registry: Registry, body: unknown, options: OperationOptions<SearchProgress> = {}): Promise<{ results: PackageInfo[] }> {
  return { results: await registry.search(parse(searchRequestSchema, body, 'search'), options) }
}

/** GET /api/v1/registry/info?name=NAME. */
export async function infoRequest (registry: Registry, query: unknown, options: OperationOptions = {}): Promise<PackageInfo & { record: RecordBody }> {
  return registry.info(parse(infoRequestSchema, query, 'info').name, options)
}

/** POST /api/v1/registry/fetch (NDJSON progress). */
export async function fetchRequest (registry: Registry, body: unknown, options: OperationOptions<FetchProgress> = {}): Promise<FetchResult> {
  const req = parse(fetchRequestSchema, body, 'fetch')
  return registry.fetch(req.spec, req.out, options)
}

/** GET /api/v1/registry/published: this node's own records. */
export async function publishedRequest (registry: Registry): Promise<{ records: PackageInfo[] }> {
  return { records: await registry.list() }
}
