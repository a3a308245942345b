import type { FastifyInstance } from 'fastify'
import { fetchRequest, infoRequest, publishedRequest, publishRequest, searchRequest } from '../../registry/index.ts'
import type { Registry } from '../../registry/index.ts'
import { streamOperation } from '../ndjson.ts'
import { API_PREFIX } from '../server.ts'

/** The registry's control-API routes; the request handling itself lives in src/registry/requests.ts. */
export function registryRoutes (app: FastifyInstance, { registry }: { registry: Registry }): void {
  const base = `${API_PREFIX}/registry`
  app.post(`${base}/publish`, async (request, reply) => {
    await streamOperation(reply, async (onProgress, signal) => publishRequest(registry, request.body, { signal, onProgress }))
  })
  app.post(`${base}/search`, async (request, reply) => {
    await streamOperation(reply, async (onProgress, signal) => searchRequest(registry, request.body, { signal, onProgress }))
  })
  app.post(`${base}/fetch`, async (request, reply) => {
    await streamOperation(reply, async (onProgress, signal) => fetchRequest(registry, request.body, { signal, onProgress }))
  })
  app.get(`${base}/info`, async (request) => infoRequest(registry, request.query))
  app.get(`${base}/published`, async () => publishedRequest(registry))
}
