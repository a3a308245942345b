import { z } from 'zod'
import { ValidatorProtocolError } from './errors.ts'
import { count, hash, id, LIMITS, plotRegistration, signatureShare } from './schema.ts'
import { decodeCanonical, encodeCbor } from './wire.ts'
import type { PlotRegistration } from './plot-registration.ts'
import type { SignatureShare } from './quorum.ts'
import type { StakeCertificateBody } from './stake.ts'

/** The validator protocol (SPEC.md §11): one length-prefixed CBOR request and response per stream. */
export const PROTOCOL = '/hypermesh/consensus/1.0.0'
/** A registration plus its certificate body, with room for framing. */
export const MAX_REQUEST_BYTES = LIMITS.registrationBytes + 512 * 1024
/** A response holds one signature share or a short error. */
export const MAX_RESPONSE_BYTES = 4096
/** Longest error message a validator sends. */
const MAX_MESSAGE_CHARS = 500

export const ERROR_CODES = ['BAD_REQUEST', 'WRONG_MESH', 'EPOCH_NOT_OPEN', 'NOT_ALLOWED', 'BAD_REGISTRATION', 'INTERNAL'] as const
export type ErrorCode = typeof ERROR_CODES[number]

export interface BeaconShareRequest {
  type: 'beacon-share'
  meshId: string
  epoch: number
}

export interface StakeSignatureRequest {
  type: 'stake-signature'
  certificate: StakeCertificateBody
  registration: PlotRegistration
}

export type ConsensusRequest = BeaconShareRequest | StakeSignatureRequest

export type ConsensusResponse =
  | { status: 'ok', share: SignatureShare }
  | { status: 'error', code: ErrorCode, message: string }

const certificateBody = z.strictObject({
  node: z.string().min(1).max(LIMITS.peerIdChars),
  amount: count,
  plotRoot: hash,
  notBefore: count,
  notAfter: count,
  trustRootId: id,
  paramsId: id
})

const requestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('beacon-share'), meshId: id, epoch: count }),
  z.strictObject({ type: z.literal('stake-signature'), certificate: certificateBody, registration: plotRegistration })
])

const responseSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('ok'), share: signatureShare }),
  z.strictObject({ status: z.literal('error'), code: z.enum(ERROR_CODES), message: z.string().max(MAX_MESSAGE_CHARS) })
])

export const encodeMessage = encodeCbor

/** Decodes a request; the caller answers BAD_REQUEST on failure. */
export function decodeRequest (bytes: Uint8Array): ConsensusRequest {
  return decodeCanonical(bytes, requestSchema, MAX_REQUEST_BYTES, (message, cause) => new ValidatorProtocolError(`request: ${message}`, { cause })) as ConsensusRequest
}

export function decodeResponse (bytes: Uint8Array): ConsensusResponse {
  return decodeCanonical(bytes, responseSchema, MAX_RESPONSE_BYTES, (message, cause) => new ValidatorProtocolError(`response: ${message}`, { cause })) as ConsensusResponse
}

export function errorResponse (code: ErrorCode, message: string): ConsensusResponse {
  return { status: 'error', code, message: message.slice(0, MAX_MESSAGE_CHARS) }
}
