import { HyperMeshError } from '../util/errors.ts'

/** Wire error codes (protocols/stoq/SPEC.md, "Errors"). */
export const ERROR_CODES = { NOT_FOUND: 1, LIMIT: 2, PERMISSION: 3, INTERNAL: 4 } as const
export type ErrorCodeName = keyof typeof ERROR_CODES

/** A provider answered a request with an error code. */
export class StoqRemoteError extends HyperMeshError {
  readonly wireCode: number
  constructor (wireCode: number, message?: string) {
    const name = (Object.entries(ERROR_CODES).find(([, v]) => v === wireCode)?.[0]) ?? `code ${wireCode}`
    super(`provider answered ${name}${message != null ? `: ${message}` : ''}`)
    this.wireCode = wireCode
  }
}

/** A peer broke the protocol (bad frame, oversize frame, unknown message, too many requests). */
export class ProtocolViolationError extends HyperMeshError {}

/** A provider sent a block that does not hash to the CID it was asked for. */
export class BadBlockError extends HyperMeshError {
  constructor (peer: string, cid: string) {
    super(`peer ${peer} sent bytes that do not hash to ${cid}`)
  }
}

/** A provider sent a block larger than the caller allows (the endless-data defence for single blocks). */
export class BlockTooLargeError extends HyperMeshError {
  constructor (cid: string, size: number, max: number) {
    super(`block ${cid} is ${size} bytes, more than the ${max} allowed`)
  }
}

/** A provider had requests pending and sent nothing for too long. */
export class StallError extends HyperMeshError {
  constructor (peer: string, ms: number) {
    super(`peer ${peer} sent nothing for ${ms} ms with requests pending`)
  }
}

/** No provider of the content could be found or reached. */
export class NoProvidersError extends HyperMeshError {
  constructor (cid: string, cause?: unknown) {
    super(`no reachable provider of ${cid}${cause instanceof Error ? ` (last: ${cause.name}: ${cause.message})` : ''}`, { hint: 'give providers with --from, or check that a peer that has it is online', cause })
  }
}

/** Every provider failed before the content was complete; what was fetched stays and a retry resumes. */
export class FetchIncompleteError extends HyperMeshError {
  constructor (cid: string, missing: number, cause?: unknown) {
    super(`fetch of ${cid} stopped with ${missing} chunks missing: every provider failed`, {
      hint: 'run the same command again to resume from what is stored', cause
    })
  }
}

/** A peer sent a Noise transport message too short to hold its authentication tag. */
export class NoiseMessageError extends HyperMeshError {}

/** The stream closed while a request was pending. */
export class StreamClosedError extends HyperMeshError {}
