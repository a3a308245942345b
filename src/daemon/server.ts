import { timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { logger } from '@libp2p/logger'
import { BadRequestError, RouteNotFoundError, statusFor, toErrorBody, UnauthorizedError } from './errors.ts'

const log = logger('hypermesh:daemon:api')

/** Where the API's versioned routes live; `/metrics` stays at the root for scrapers. */
export const API_PREFIX = '/api/v1'

export interface ApiServerInit {
  /** The bearer token from the data dir; every request must carry it. */
  token: string
  bodyLimit: number
}

/**
 * The control API's HTTP shell: bearer-token auth on every request (401 before routing, so an
 * unauthenticated caller learns nothing, not even which routes exist), JSON errors with stable
 * codes, 400 on malformed JSON, 404 on unknown routes. Routes are registered by the caller.
 */
export function createApiServer (init: ApiServerInit): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: init.bodyLimit, forceCloseConnections: true })
  const expected = Buffer.from(`Bearer ${init.token}`)

  app.addHook('onRequest', async (request) => {
    const given = Buffer.from(request.headers.authorization ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError('missing or wrong API token', { hint: 'send "Authorization: Bearer <token>" with the token in the data dir\'s api-token file' })
    }
  })

  app.setNotFoundHandler(async (request) => {
    throw new RouteNotFoundError(`no route ${request.method} ${request.url}`, { hint: `routes live under ${API_PREFIX}/` })
  })

  app.setErrorHandler(async (err: any, _request, reply) => {
    let error: unknown = err
    if (typeof err?.code === 'string' && err.code.startsWith('FST_ERR_CTP')) {
      error = new BadRequestError(`bad request body: ${err.message}`, { code: 'BAD_JSON', hint: 'send a JSON object with content-type application/json' })
    } else if (err?.validation != null) {
      error = new BadRequestError(err.message, { code: 'BAD_REQUEST' })
    }
    const status = statusFor(error)
    if (status >= 500) log.error('request failed: %e', err)
    return reply.status(status).send(toErrorBody(error))
  })

  return app
}
