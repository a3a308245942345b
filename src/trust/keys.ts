import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject, webcrypto } from 'node:crypto'
import { ED25519 } from './x509-lib.ts'
import { MalformedTrustDataError } from './errors.ts'

/**
 * Ed25519 keys as node:crypto KeyObjects: signing and verifying stay synchronous and in
 * OpenSSL, and only issuing (which @peculiar/x509 does through WebCrypto) converts them.
 */

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
/** Length of a raw Ed25519 public key. */
export const ED25519_PUBLIC_KEY_LENGTH = 32

export interface SigningKeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
}

export function generateSigningKey (): SigningKeyPair {
  return generateKeyPairSync('ed25519')
}

/** PKCS#8 PEM, the format `openssl pkey` and node:crypto read. */
export function privateKeyToPem (key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString()
}

export function parsePrivateKeyPem (pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch (cause) {
    throw new MalformedTrustDataError('not a PEM private key', { cause })
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new MalformedTrustDataError(`expected an Ed25519 key, got ${key.asymmetricKeyType}`)
  return key
}

export function publicKeyOf (privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey)
}

/** The 32 raw bytes of an Ed25519 public key (what a libp2p PeerId embeds). */
export function rawPublicKey (publicKey: KeyObject): Uint8Array {
  const spki = publicKey.export({ format: 'der', type: 'spki' })
  if (publicKey.asymmetricKeyType !== 'ed25519' || spki.length !== ED25519_SPKI_PREFIX.length + ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedTrustDataError('not an Ed25519 public key')
  }
  return new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length))
}

export function publicKeyFromRaw (raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_LENGTH) throw new MalformedTrustDataError(`an Ed25519 public key has ${ED25519_PUBLIC_KEY_LENGTH} bytes, got ${raw.length}`)
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
}

/** WebCrypto handles for @peculiar/x509, which signs through `crypto.subtle`. */
export function toWebPrivateKey (key: KeyObject): webcrypto.CryptoKey {
  return key.toCryptoKey(ED25519, false, ['sign'])
}

export function toWebPublicKey (key: KeyObject): webcrypto.CryptoKey {
  return key.toCryptoKey(ED25519, true, ['verify'])
}
