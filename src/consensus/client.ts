import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { logger } from '@libp2p/logger'
import { anySignal } from 'any-signal'
import { QuorumUnreachableError, ValidatorProtocolError, ValidatorRefusedError } from './errors.ts'
import { verifySignature } from './keys.ts'
import { decodeResponse, encodeMessage, MAX_RESPONSE_BYTES, PROTOCOL } from './protocol.ts'
import type { ConsensusRequest } from './protocol.ts'
import type { SignatureShare } from './quorum.ts'
import type { PreparedTrustRoot } from './trust-root.ts'
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'

const log = logger('hypermesh:consensus:client')

/** The one libp2p component the client side needs. */
export interface StreamOpener {
  openStream: (peer: PeerId, protocol: string, options?: AbortOptions) => Promise<Stream>
}

/** Sends one request to one validator and returns its signature share; refusals become named errors. */
export async function askValidator (opener: StreamOpener, validator: string, request: ConsensusRequest, options: AbortOptions = {}): Promise<SignatureShare> {
  const stream = await opener.openStream(peerIdFromString(validator), PROTOCOL, options)
  let bytes: Uint8Array
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_RESPONSE_BYTES })
    await lp.write(encodeMessage(request), options)
    bytes = (await lp.read(options)).subarray()
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
  // the answer is in: a close that races the validator's own close must not discard it
  await stream.close(options).catch((err: Error) => {
    log('closing the stream to %s: %s', validator, err.message)
    stream.abort(err)
  })
  const response = decodeResponse(bytes)
  if (response.status === 'error') {
    throw new ValidatorRefusedError(`validator ${validator} refused: ${response.code}: ${response.message}`, { code: `VALIDATOR_${response.code}` })
  }
  if (response.share.validator !== validator) throw new ValidatorProtocolError(`validator ${validator} answered with another identity`)
  return response.share
}

/** Pause before asking a validator again after a transient failure (a reset stream, a dial that raced). */
export const RETRY_DELAY_MS = 250

/**
 * One more try after a transport failure; a validator's refusal is its decision and is not
 * asked again, and neither is a request the caller cancelled.
 */
async function askOnceMore (ask: (validator: string, options: AbortOptions) => Promise<SignatureShare>, validator: string, signal: AbortSignal): Promise<SignatureShare> {
  try {
    return await ask(validator, { signal })
  } catch (err: any) {
    if (signal.aborted || err.name === 'ValidatorRefusedError' || err.name === 'ValidatorProtocolError') throw err
    log('validator %s failed (%s), asking once more', validator, err.message)
    await new Promise(resolve => setTimeout(resolve, RETRY_DELAY_MS))
    signal.throwIfAborted()
    return await ask(validator, { signal })
  }
}

/**
 * Asks every validator at once and returns as soon as the shares that verify against `message`
 * hold the threshold weight; the outstanding requests are then cancelled. Shares are checked
 * here, so a lying validator costs a request, never a bad certificate or beacon.
 */
export async function collectQuorum (
  root: PreparedTrustRoot,
  ask: (validator: string, options: AbortOptions) => Promise<SignatureShare>,
  message: Uint8Array,
  options: AbortOptions = {}
): Promise<SignatureShare[]> {
  const done = new AbortController()
  const signal = anySignal([done.signal, options.signal])
  const shares: SignatureShare[] = []
  const failures: string[] = []
  let weight = 0
  try {
    return await new Promise<SignatureShare[]>((resolve, reject) => {
      let pending = root.weights.size
      const settle = (): void => {
        if (weight >= root.threshold) resolve(shares)
        else if (options.signal?.aborted === true) reject(options.signal.reason)
        else if (--pending === 0) reject(new QuorumUnreachableError(`validators holding ${weight} of the needed ${root.threshold} weight answered: ${failures.join('; ')}`.slice(0, 2000), { hint: 'check that enough validators are running and reachable' }))
      }
      for (const [validator, w] of root.weights) {
        askOnceMore(ask, validator, signal).then(share => {
          if (weight >= root.threshold) return
          if (!verifySignature(validator, message, share.signature)) throw new ValidatorProtocolError(`validator ${validator} sent a bad signature`)
          shares.push(share)
          weight += w
          settle()
        }).catch((err: Error) => {
          if (weight >= root.threshold) return
          log('validator %s: %s', validator, err.message)
          failures.push(`${validator.slice(-8)}: ${err.name}`)
          settle()
        })
      }
    })
  } finally {
    done.abort()
    signal.clear()
  }
}
