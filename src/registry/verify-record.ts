import { checkNotExpired, verifyPackageSignature } from '../trust/index.ts'
import type { ChainContext } from '../trust/index.ts'
import { CLOCK_SKEW_MS, MAX_RECORD_LIFETIME_MS, RECORD_PAYLOAD_TYPE } from './constants.ts'
import { RecordKeyMismatchError, RecordLifetimeError } from './errors.ts'
import { decodeRecord } from './record.ts'
import type { RecordBody } from './record.ts'

/** A record that passed every check of protocols/registry/SPEC.md, "Validity" (rollback aside). */
export interface VerifiedRecord {
  body: RecordBody
  /** The DHT value bytes as received. */
  bytes: Uint8Array
  publisher: {
    /** `SHA256:<hex>` of the publisher certificate. */
    fingerprint: string
    subject: string
    /** Fingerprint of the trust anchor the chain ends at. */
    anchor: string
  }
}

export interface VerifyRecordOptions {
  trustStore: ChainContext
  /** @default now */
  at?: Date
  /** The name the record was looked up under (its DHT key); a record for another name is refused. */
  name?: string
}

/** The capabilities any listed version requests: the publisher's scope must allow all of them. */
export function requestedCapabilities (body: RecordBody): string[] {
  return [...new Set(body.versions.flatMap(v => v.capabilities))].sort()
}

/**
 * Verifies a DHT value as a registry record, cheapest check first: size and schema (decode),
 * key binding, lifetime, expiry (freeze), then the publisher signature, chain, validity,
 * revocation and scope (trust area). Throws the named error of the first failed check.
 * Rollback is stateful and checked by the caller (see validator.ts).
 */
export function verifyRecord (bytes: Uint8Array, options: VerifyRecordOptions): VerifiedRecord {
  const at = options.at ?? new Date()
  const { body, envelope, payload } = decodeRecord(bytes)
  if (options.name !== undefined && body.name !== options.name) {
    throw new RecordKeyMismatchError(`record for ${body.name} stored under the name ${options.name}`)
  }
  const issued = new Date(body.issued).getTime()
  if (issued > at.getTime() + CLOCK_SKEW_MS) throw new RecordLifetimeError(`record for ${body.name} is issued in the future (${body.issued})`)
  if (new Date(body.expires).getTime() - issued > MAX_RECORD_LIFETIME_MS) {
    throw new RecordLifetimeError(`record for ${body.name} lives from ${body.issued} to ${body.expires}, longer than ${MAX_RECORD_LIFETIME_MS} ms`)
  }
  checkNotExpired(body.expires, at, `record for ${body.name} (sequence ${body.sequence})`)
  const chain = verifyPackageSignature({
    bytes: payload,
    name: body.name,
    capabilities: requestedCapabilities(body),
    envelope,
    trustStore: options.trustStore,
    at,
    payloadType: RECORD_PAYLOAD_TYPE
  })
  return {
    body,
    bytes,
    publisher: { fingerprint: chain.fingerprint, subject: chain.leaf.subject, anchor: chain.anchor.fingerprint }
  }
}
