import type { FastifyInstance } from 'fastify'
import type { HyperMeshNode } from '../../node/index.ts'
import { BadRequestError } from '../errors.ts'
import { API_PREFIX } from '../server.ts'

/**
 * DHT put/get: a plain name lives in the `/hmtest/` namespace, for trying the DHT by hand; a full
 * key (`/hmpkg/hello`) reads or writes that namespace's records, checked by its validator. Values
 * travel as UTF-8 text (`value`) or base64 (`valueBase64`).
 */
export function dhtRoutes (app: FastifyInstance, { node }: { node: HyperMeshNode<any> }): void {
  app.post(`${API_PREFIX}/dht/put`, async (request) => {
    const body = request.body as { key?: unknown, value?: unknown, valueBase64?: unknown } | undefined
    if (typeof body?.key !== 'string' || (typeof body.value !== 'string' && typeof body.valueBase64 !== 'string')) {
      throw new BadRequestError('body must be {"key": "name", "value": "text"} or {"key", "valueBase64"}')
    }
    const value = typeof body.value === 'string' ? Buffer.from(body.value, 'utf8') : Buffer.from(body.valueBase64 as string, 'base64')
    const result = await node.putValue(body.key, value, { signal: AbortSignal.timeout(30_000) })
    return { key: body.key, acceptedBy: result.acceptedBy, rejectedBy: result.rejectedBy }
  })

  app.get(`${API_PREFIX}/dht/get`, async (request) => {
    const query = request.query as { key?: string, local?: string }
    if (typeof query.key !== 'string') throw new BadRequestError('query must have ?key=name')
    const value = await node.getValue(query.key, { local: query.local === 'true', signal: AbortSignal.timeout(30_000) })
    const buf = Buffer.from(value)
    return { key: query.key, value: buf.toString('utf8'), valueBase64: buf.toString('base64') }
  })
}
