import { verifySignature } from './keys.ts'
import type { ConsensusError } from './errors.ts'
import type { PreparedTrustRoot } from './trust-root.ts'

/** One validator's Ed25519 signature. */
export interface SignatureShare {
  validator: string
  signature: Uint8Array
}

type ErrorClass = new (message: string) => ConsensusError

/** The named errors a quorum check raises; beacons and stake certificates each have their own. */
export interface QuorumErrors {
  unknown: ErrorClass
  duplicate: ErrorClass
  threshold: ErrorClass
  invalid: ErrorClass
}

/**
 * Checks that validators holding at least the threshold weight signed `message`: cheap checks
 * (known signer, no duplicate, enough weight) before any signature is verified; every
 * signature must verify, so a share list is accepted whole or not at all.
 */
export function verifyQuorum (shares: SignatureShare[], message: Uint8Array, root: PreparedTrustRoot, errors: QuorumErrors): void {
  const seen = new Set<string>()
  let weight = 0
  for (const { validator } of shares) {
    const w = root.weights.get(validator)
    if (w == null) throw new errors.unknown(`${validator} is not a validator of this mesh`)
    if (seen.has(validator)) throw new errors.duplicate(`${validator} signed twice`)
    seen.add(validator)
    weight += w
  }
  if (weight < root.threshold) throw new errors.threshold(`signers hold weight ${weight}, the threshold is ${root.threshold}`)
  for (const { validator, signature } of shares) {
    if (!verifySignature(validator, message, signature)) throw new errors.invalid(`bad signature by ${validator}`)
  }
}

/** Shares sorted by validator id (UTF-16 code unit order, which is byte order for base58). */
export function sortShares (shares: SignatureShare[]): SignatureShare[] {
  return [...shares].sort((a, b) => a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0)
}
