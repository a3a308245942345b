import { createHash, hash as oneShot } from 'node:crypto'
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
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff)
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

const domains = new Map<string, Uint8Array>()

/** lp(str(DOMAIN_PREFIX + domain)), computed once per domain: plotting hashes millions of times. */
function domainBytes (domain: string): Uint8Array {
  let bytes = domains.get(domain)
  if (bytes == null) {
    const name = str(DOMAIN_PREFIX + domain)
    bytes = new Uint8Array(4 + name.byteLength)
    bytes.set(lengthPrefix(name))
    bytes.set(name, 4)
    domains.set(domain, bytes)
  }
  return bytes
}

/** A SHA-256 state that has absorbed the domain and the given fields; more can be added. */
export function hasher (domain: string, ...fields: Uint8Array[]): Hash {
  const hash = createHash('sha256').update(domainBytes(domain))
  for (const field of fields) absorb(hash, field)
  return hash
}

export function absorb (hash: Hash, field: Uint8Array): void {
  hash.update(lengthPrefix(field)).update(field)
}

/** The bytes H(domain, fields…) hashes: lp(domain) ‖ lp(f₁) ‖ … ‖ lp(fₙ). */
export function hashInput (domain: string, ...fields: Uint8Array[]): Uint8Array {
  const prefix = domainBytes(domain)
  let length = prefix.byteLength
  for (const field of fields) length += 4 + field.byteLength
  const input = new Uint8Array(length)
  input.set(prefix)
  let offset = prefix.byteLength
  for (const field of fields) {
    const n = field.byteLength
    input[offset] = n >>> 24
    input[offset + 1] = (n >>> 16) & 0xff
    input[offset + 2] = (n >>> 8) & 0xff
    input[offset + 3] = n & 0xff
    input.set(field, offset + 4)
    offset += 4 + n
  }
  return input
}

/** H(domain, fields…) as SPEC.md §2 defines it: the input laid out in one buffer, hashed in one call. */
export function hashFields (domain: string, ...fields: Uint8Array[]): Uint8Array {
  const digest = oneShot('sha256', hashInput(domain, ...fields), 'buffer')
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}

/** `length` bytes of H(domain, fields…, u32(0)) ‖ H(domain, fields…, u32(1)) ‖ … */
export function expand (domain: string, length: number, ...fields: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / HASH_BYTES) * HASH_BYTES)
  for (let i = 0; i * HASH_BYTES < length; i++) out.set(hashFields(domain, ...fields, u32(i)), i * HASH_BYTES)
  return out.subarray(0, length)
}

export function readU32 (bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0
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
