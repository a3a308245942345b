import { logger } from '@libp2p/logger'
import { signBeaconShare } from './beacon.ts'
import { equalBytes, toHex } from './encoding.ts'
import { epochAt } from './epoch.ts'
import { ConsensusError, PlotRootMismatchError } from './errors.ts'
import { verifyRegistration } from './plot-registration.ts'
import { lpStream } from '@libp2p/utils'
import { decodeRequest, encodeMessage, errorResponse, MAX_REQUEST_BYTES } from './protocol.ts'
import { checkStakeTerms, signStakeCertificate } from './stake.ts'
import { BoundedSet } from './caches.ts'
import type { ConsensusRequest, ConsensusResponse, StakeSignatureRequest } from './protocol.ts'
import type { PreparedTrustRoot } from './trust-root.ts'
import type { SignatureShare } from './quorum.ts'
import type { PrivateKey, StreamHandler } from '@libp2p/interface'

const log = logger('hypermesh:consensus:validator')

/** Registrations already checked (node + root): a renewal costs one signature, not K openings. */
const REGISTRATION_CACHE_LIMIT = 10_000

/**
 * What a validator answers (SPEC.md §11), apart from any transport: who asks (`remotePeer`, the
 * authenticated PeerId of the connection) and what. Every refusal has its wire code.
 */
export class Validator {
  readonly root: PreparedTrustRoot
  private readonly privateKey: PrivateKey
  private readonly now: () => number
  private readonly registrations = new BoundedSet(REGISTRATION_CACHE_LIMIT)
  /** One share per open epoch: every node of the mesh asks for the same one. */
  private readonly beaconShares = new Map<number, SignatureShare>()

  constructor (privateKey: PrivateKey, root: PreparedTrustRoot, now: () => number = Date.now) {
    this.privateKey = privateKey
    this.root = root
    this.now = now
  }

  async answer (request: ConsensusRequest, remotePeer: string): Promise<ConsensusResponse> {
    if (request.type === 'beacon-share') {
      if (request.meshId !== this.root.id) return errorResponse('WRONG_MESH', `this validator serves mesh ${this.root.id}`)
      const { params } = this.root
      const now = this.now()
      if (request.epoch > epochAt(now + params.clockSkewMs, params) || request.epoch < epochAt(now - params.clockSkewMs, params) - 1) {
        return errorResponse('EPOCH_NOT_OPEN', `epoch ${request.epoch} is not open`)
      }
      let share = this.beaconShares.get(request.epoch)
      if (share == null) {
        share = await signBeaconShare(this.privateKey, this.root.id, request.epoch)
        this.beaconShares.set(request.epoch, share)
        for (const old of this.beaconShares.keys()) if (old < request.epoch - 2) this.beaconShares.delete(old)
      }
      return { status: 'ok', share }
    }
    return this.answerStake(request, remotePeer)
  }

  private async answerStake ({ certificate, registration }: StakeSignatureRequest, remotePeer: string): Promise<ConsensusResponse> {
    const { params } = this.root
    if (certificate.node !== remotePeer) return errorResponse('NOT_ALLOWED', 'a node may only ask for its own stake certificate')
    if (certificate.trustRootId !== this.root.id) return errorResponse('WRONG_MESH', `this validator serves mesh ${this.root.id}`)
    try {
      checkStakeTerms(certificate, this.root)
    } catch (err) {
      if (!(err instanceof ConsensusError)) throw err
      return errorResponse('NOT_ALLOWED', `${err.name}: ${err.message}`)
    }
    if (Math.abs(certificate.notBefore - this.now()) > params.clockSkewMs) return errorResponse('BAD_REQUEST', 'notBefore must be the current time')
    const key = `${certificate.node}/${toHex(certificate.plotRoot)}`
    if (!this.registrations.has(key)) {
      try {
        if (!equalBytes(registration.plotRoot, certificate.plotRoot)) throw new PlotRootMismatchError('registration is for another plot root')
        verifyRegistration(registration, remotePeer, params)
      } catch (err) {
        if (!(err instanceof ConsensusError)) throw err
        log('refused plot registration of %s: %s', remotePeer, err.message)
        return errorResponse('BAD_REGISTRATION', `${err.name}: ${err.message}`)
      }
      this.registrations.add(key)
    }
    log('signing stake certificate for %s (amount %d)', remotePeer, certificate.amount)
    return { status: 'ok', share: await signStakeCertificate(this.privateKey, certificate) }
  }
}

/**
 * The inbound side of `/hypermesh/consensus/1.0.0`: one request, one response, then close. The
 * remote PeerId comes from the authenticated connection, never from the request.
 */
export function validatorHandler (validator: Validator, timeoutMs: number): StreamHandler {
  const respond = async (bytes: Uint8Array, remotePeer: string): Promise<ConsensusResponse> => {
    let request: ConsensusRequest
    try {
      request = decodeRequest(bytes)
    } catch (err) {
      return errorResponse('BAD_REQUEST', (err as Error).message)
    }
    try {
      return await validator.answer(request, remotePeer)
    } catch (err) {
      log.error('answering %s from %s failed - %e', request.type, remotePeer, err)
      return errorResponse('INTERNAL', 'internal error')
    }
  }
  return async (stream, connection) => {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
      const bytes = (await lp.read({ signal })).subarray()
      const response = await respond(bytes, connection.remotePeer.toString())
      await lp.write(encodeMessage(response), { signal })
      await stream.close({ signal })
    } catch (err) {
      log.error('consensus stream from %p failed - %e', connection.remotePeer, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
