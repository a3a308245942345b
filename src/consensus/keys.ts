import { createPublicKey, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidPeerIdError } from './errors.ts'

/**
 * Node and validator identities are libp2p Ed25519 PeerIds; their public keys are inlined in
 * the id. Signatures are checked with node:crypto (≈0.13 ms each) and the parsed keys cached.
 */

/** The DER header of an Ed25519 SubjectPublicKeyInfo; the 32-byte raw key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
/** Raw Ed25519 public key size. */
export const ED25519_PUBLIC_KEY_BYTES = 32
/** Ed25519 signature size. */
export const ED25519_SIGNATURE_BYTES = 64
/** Enough for every validator and a busy node's recent peers; the map is cleared when full. */
const KEY_CACHE_LIMIT = 4096

const rawKeys = new Map<string, Uint8Array>()
const keyObjects = new Map<string, KeyObject>()

function remember<V> (map: Map<string, V>, key: string, value: V): V {
  if (map.size >= KEY_CACHE_LIMIT) map.clear()
  map.set(key, value)
  return value
}

/** The raw Ed25519 public key inlined in a PeerId string; throws InvalidPeerIdError otherwise. */
export function publicKeyOf (peerId: string): Uint8Array {
  const cached = rawKeys.get(peerId)
  if (cached != null) return cached
  let raw: Uint8Array | undefined
  try {
    const id = peerIdFromString(peerId)
    if (id.type === 'Ed25519' && id.toString() === peerId) raw = id.publicKey.raw
  } catch (err) {
    throw new InvalidPeerIdError(`not a PeerId: ${peerId.slice(0, 80)}`, { cause: err })
  }
  if (raw?.byteLength !== ED25519_PUBLIC_KEY_BYTES) throw new InvalidPeerIdError(`not a canonical Ed25519 PeerId: ${peerId.slice(0, 80)}`)
  return remember(rawKeys, peerId, raw)
}

/** True when `signature` is peerId's Ed25519 signature of `message`. */
export function verifySignature (peerId: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.byteLength !== ED25519_SIGNATURE_BYTES) return false
  let key = keyObjects.get(peerId)
  if (key == null) {
    const der = Buffer.concat([ED25519_SPKI_PREFIX, publicKeyOf(peerId)])
    key = remember(keyObjects, peerId, createPublicKey({ key: der, format: 'der', type: 'spki' }))
  }
  return verify(null, message, key, signature)
}
