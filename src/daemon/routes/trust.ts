import type { FastifyInstance } from 'fastify'
import { BadRequestError } from '../errors.ts'
import type { RevocationSpread } from '../revocations.ts'
import { API_PREFIX } from '../server.ts'

/** Revocation lists: the ones this node holds, and publishing one to the mesh. */
export function trustRoutes (app: FastifyInstance, { revocations }: { revocations: RevocationSpread }): void {
  app.get(`${API_PREFIX}/trust/revocations`, async () => ({ revocations: revocations.list() }))

  app.post(`${API_PREFIX}/trust/revocations`, async (request) => {
    const body = request.body as { crl?: unknown, issuer?: unknown } | undefined
    if (typeof body?.crl !== 'string' || typeof body.issuer !== 'string') {
      throw new BadRequestError('body must be {"crl": "<PEM revocation list>", "issuer": "<PEM issuer certificate, then its issuers>"}')
    }
    return await revocations.publish(body.crl, body.issuer, { signal: AbortSignal.timeout(30_000) })
  })
}
