import { randomBytes } from 'node:crypto'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import { MalformedTrustDataError } from './errors.ts'

/**
 * The optional post-quantum half of a hybrid package signature: ML-DSA-65 (FIPS 204, NIST
 * category 3) from @noble/post-quantum. A publisher certificate may certify an ML-DSA-65 public
 * key (extension PQ_KEY_OID); when it does, every package signature by that certificate must
 * carry a valid ML-DSA-65 signature over the same PAE bytes as the Ed25519 one.
 */
export const ML_DSA_65 = 'ML-DSA-65'
/** Sizes fixed by FIPS 204 for ML-DSA-65. */
export const ML_DSA_65_PUBLIC_KEY_LENGTH = 1952
export const ML_DSA_65_SIGNATURE_LENGTH = 3309
/** The secret key is kept as its 32-byte seed: keygen from the seed is deterministic. */
export const ML_DSA_65_SEED_LENGTH = 32
const SEED_PEM_LABEL = 'HYPERMESH ML-DSA-65 SEED'

export interface PostQuantumKey {
  seed: Uint8Array
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export function postQuantumKeyFromSeed (seed: Uint8Array): PostQuantumKey {
  if (seed.length !== ML_DSA_65_SEED_LENGTH) throw new MalformedTrustDataError(`an ML-DSA-65 seed has ${ML_DSA_65_SEED_LENGTH} bytes`)
  const { publicKey, secretKey } = ml_dsa65.keygen(seed)
  return { seed, publicKey, secretKey }
}

export function generatePostQuantumKey (): PostQuantumKey {
  return postQuantumKeyFromSeed(new Uint8Array(randomBytes(ML_DSA_65_SEED_LENGTH)))
}

export function postQuantumKeyToPem (key: PostQuantumKey): string {
  return `-----BEGIN ${SEED_PEM_LABEL}-----\n${Buffer.from(key.seed).toString('base64')}\n-----END ${SEED_PEM_LABEL}-----\n`
}

export function parsePostQuantumKeyPem (pem: string): PostQuantumKey {
  const m = new RegExp(`-----BEGIN ${SEED_PEM_LABEL}-----([\\s\\S]*?)-----END ${SEED_PEM_LABEL}-----`).exec(pem)
  if (m === null) throw new MalformedTrustDataError('not an ML-DSA-65 seed file')
  return postQuantumKeyFromSeed(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')))
}

export function postQuantumSign (key: PostQuantumKey, message: Uint8Array): string {
  return Buffer.from(ml_dsa65.sign(message, key.secretKey)).toString('base64')
}

export function postQuantumVerify (publicKey: Uint8Array, message: Uint8Array, sig: string): boolean {
  const bytes = new Uint8Array(Buffer.from(sig, 'base64'))
  if (bytes.length !== ML_DSA_65_SIGNATURE_LENGTH) return false
  try {
    return ml_dsa65.verify(bytes, message, publicKey)
  } catch {
    // the library throws on malformed inputs; for a verifier that is simply "does not verify"
    return false
  }
}
