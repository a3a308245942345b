import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'

/**
 * The one hashing rule of the consensus area (SPEC.md §2): every hash is SHA-256 over a domain
 * string and typed fields, each written as a 4-byte big-endian length followed by its bytes.
 * Received bytes are never hashed as given: callers decode, check, then re-encode fields here.
 */

/** Every domain string starts with this, so our hashes never collide with another protocol's. */
export const DOMAIN_PREFIX = 'hypermesh/consensus/v1/'
/** Output size of SHA-256. */
export const HASH_BYTES = 32

const encoder = new TextEncoder()

export function u32 (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`not a u32: ${value}`)
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

export function u64 (value: number | bigint): Uint8Array {
  const big = BigInt(value)
  if (big < 0n || big >= 1n << 64n) throw new RangeError(`not a u64: ${value}`)
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, big)
  return out
}

export function str (value: string): Uint8Array {
  return encoder.encode(value)
}

function lengthPrefix (bytes: Uint8Array): Uint8Array {
  return u32(bytes.byteLength)
}

/** A SHA-256 state that has absorbed the domain and the given fields; more can be added. */
export function hasher (domain: string, ...fields: Uint8Array[]): Hash {
  const hash = createHash('sha256')
  const name = str(DOMAIN_PREFIX + domain)
  hash.update(lengthPrefix(name)).update(name)
  for (const field of fields) absorb(hash, field)
  return hash
}

export function absorb (hash: Hash, field: Uint8Array): void {
  hash.update(lengthPrefix(field)).update(field)
}

/** H(domain, fields…) as SPEC.md §2 defines it. */
export function hashFields (domain: string, ...fields: Uint8Array[]): Uint8Array {
  return new Uint8Array(hasher(domain, ...fields).digest())
}

/** `length` bytes of H(domain, fields…, u32(0)) ‖ H(domain, fields…, u32(1)) ‖ … */
export function expand (domain: string, length: number, ...fields: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / HASH_BYTES) * HASH_BYTES)
  for (let i = 0; i * HASH_BYTES < length; i++) out.set(hashFields(domain, ...fields, u32(i)), i * HASH_BYTES)
  return out.subarray(0, length)
}

export function readU32 (bytes: Uint8Array, offset = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset)
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
