import { HyperMeshError } from '../util/errors.ts'

/**
 * The `/hmtest/` DHT namespace: opaque values, for exercising the DHT from the control API and in
 * tests. Real package records live in the registry's own namespace with signed records.
 */
export const TEST_NAMESPACE = 'hmtest'

/** Test values are small; signed package records have their own, stricter limits. */
export const MAX_TEST_VALUE_BYTES = 64 * 1024

export class DhtValueTooLargeError extends HyperMeshError {}
export class InvalidDhtKeyError extends HyperMeshError {}

/**
 * The DHT key for a name given to the control API: a name without a leading "/" lives in the
 * `/hmtest/` namespace; a full key ("/hmpkg/hello") is used as given, and the namespace's own
 * validator decides (the registry's for `/hmpkg/`), like `ipfs routing put`.
 */
export function apiRecordKey (name: string): Uint8Array {
  if (name.startsWith('/')) {
    if (name.length > 512 || name.split('/').length < 3) throw new InvalidDhtKeyError(`invalid DHT key "${name}"`, { hint: 'a full key looks like /namespace/name' })
    return new TextEncoder().encode(name)
  }
  return testRecordKey(name)
}

export function testRecordKey (name: string): Uint8Array {
  if (name.length === 0 || name.length > 256 || name.includes('/')) {
    throw new InvalidDhtKeyError(`invalid DHT test key "${name}"`, { hint: 'use 1-256 characters without "/"' })
  }
  return new TextEncoder().encode(`/${TEST_NAMESPACE}/${name}`)
}

export function validateTestRecord (_key: Uint8Array, value: Uint8Array): void {
  if (value.byteLength > MAX_TEST_VALUE_BYTES) {
    throw new DhtValueTooLargeError(`test value of ${value.byteLength} bytes exceeds ${MAX_TEST_VALUE_BYTES}`)
  }
}

/**
 * Test values carry no version, so "newest" is undefined; picking the bytewise greatest makes
 * every node converge on the same value when several are found.
 */
export function selectTestRecord (_key: Uint8Array, records: Uint8Array[]): number {
  let best = 0
  for (let i = 1; i < records.length; i++) {
    if (Buffer.compare(records[i], records[best]) > 0) best = i
  }
  return best
}
