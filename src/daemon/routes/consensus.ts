import type { FastifyInstance } from 'fastify'
import { proofForRequest, verifyForRequest } from '../../consensus/index.ts'
import type { ConsensusService } from '../../consensus/index.ts'
import { HyperMeshError } from '../../util/errors.ts'
import { streamOperation } from '../ndjson.ts'
import { API_PREFIX } from '../server.ts'

/** The node has no mesh root naming validators, so it knows nobody to sign stake or beacons. */
export class ConsensusUnavailableError extends HyperMeshError {}

/** Consensus proofs through the control API; request handling lives in src/consensus/api.ts. */
export function consensusRoutes (app: FastifyInstance, { consensus }: { consensus?: ConsensusService }): void {
  const need = (): ConsensusService => {
    if (consensus == null) throw new ConsensusUnavailableError('this node has no mesh root with validators, so it cannot make or check consensus proofs', { hint: 'install one with `hypermesh trust install-root FILE` and restart the daemon' })
    return consensus
  }
  app.post(`${API_PREFIX}/consensus/proofs`, async (request, reply) => {
    const service = need()
    await streamOperation(reply, async (onProgress, signal) => proofForRequest(service, request.body, { signal, onProgress }))
  })
  app.post(`${API_PREFIX}/consensus/verify`, async (request) => verifyForRequest(need(), request.body))
  app.get(`${API_PREFIX}/consensus/status`, async () => {
    const service = need()
    return { validator: service.isValidator, profile: service.root.params.profile, trustRootId: service.root.id, validators: service.root.weights.size, threshold: service.root.threshold }
  })
}
