import { absorb, equalBytes, hasher, hashFields, str, u32, u64 } from './encoding.ts'
import {
  ParamsMismatchError, PlotRootMismatchError, StakeAboveAllocationError, StakeBelowMinimumError, StakeCertificateExpiredError,
  StakeCertificateNotYetValidError, StakeDuplicateSignerError, StakeNodeMismatchError, StakeSignatureInvalidError,
  StakeThresholdNotMetError, StakeUnknownSignerError, StakeValidityTooLongError, TrustRootMismatchError
} from './errors.ts'
import { sortShares, verifyQuorum } from './quorum.ts'
import type { SignatureShare } from './quorum.ts'
import type { PreparedTrustRoot } from './trust-root.ts'
import type { PrivateKey } from '@libp2p/interface'

/**
 * The stake certificate (SPEC.md §8): validators holding a threshold of weight sign that a node
 * holds `amount` of stake and has registered the plot `plotRoot`, for at most one day.
 */

export interface StakeCertificateBody {
  node: string
  amount: number
  plotRoot: Uint8Array
  /** Milliseconds since the Unix epoch. */
  notBefore: number
  notAfter: number
  trustRootId: string
  paramsId: string
}

export interface StakeCertificate extends StakeCertificateBody {
  signatures: SignatureShare[]
}

const STAKE_ERRORS = { unknown: StakeUnknownSignerError, duplicate: StakeDuplicateSignerError, threshold: StakeThresholdNotMetError, invalid: StakeSignatureInvalidError }

export function stakeCertificateDigest (body: StakeCertificateBody): Uint8Array {
  return hashFields('stake-certificate', str(body.node), u64(body.amount), body.plotRoot, u64(body.notBefore), u64(body.notAfter), str(body.trustRootId), str(body.paramsId))
}

/** Digest of the certificate and its signatures (sorted): the cache key, and what a bundle commits to. */
export function signedStakeCertificateDigest (cert: StakeCertificate): Uint8Array {
  const hash = hasher('signed-stake-certificate', stakeCertificateDigest(cert), u32(cert.signatures.length))
  for (const share of sortShares(cert.signatures)) {
    absorb(hash, str(share.validator))
    absorb(hash, share.signature)
  }
  return new Uint8Array(hash.digest())
}

export async function signStakeCertificate (privateKey: PrivateKey, body: StakeCertificateBody): Promise<SignatureShare> {
  const signature = await privateKey.sign(stakeCertificateDigest(body))
  return { validator: privateKey.publicKey.toString(), signature }
}

/** Everything about a certificate that does not depend on who presents it or when. */
export function checkStakeTerms (cert: StakeCertificateBody, root: PreparedTrustRoot): void {
  const { params } = root
  if (cert.trustRootId !== root.id) throw new TrustRootMismatchError('stake certificate issued under another trust root')
  if (cert.paramsId !== params.id) throw new ParamsMismatchError(`stake certificate for ${cert.paramsId}, expected ${params.id}`)
  if (cert.notAfter - cert.notBefore > params.maxCertificateValidityMs || cert.notAfter < cert.notBefore) {
    throw new StakeValidityTooLongError('stake certificate validity exceeds the policy')
  }
  if (cert.amount < params.minStake) throw new StakeBelowMinimumError(`stake ${cert.amount} is below the minimum ${params.minStake}`)
  if (cert.amount > (root.allocations.get(cert.node) ?? 0)) throw new StakeAboveAllocationError(`stake ${cert.amount} exceeds the node's allocation`)
}

export interface StakeExpectation {
  node: string
  plotRoot: Uint8Array
  now: number
}

/**
 * Checks a certificate for a bundle. `verified` caches signed-certificate digests whose
 * signatures already checked out, so a warm verifier skips the Ed25519 work.
 */
export function verifyStakeCertificate (cert: StakeCertificate, expected: StakeExpectation, root: PreparedTrustRoot, verified?: Set<string>): void {
  if (cert.node !== expected.node) throw new StakeNodeMismatchError('stake certificate names another node')
  if (!equalBytes(cert.plotRoot, expected.plotRoot)) throw new PlotRootMismatchError('bundle plot root differs from the certified one')
  checkStakeTerms(cert, root)
  if (expected.now > cert.notAfter) throw new StakeCertificateExpiredError('stake certificate has expired', { hint: 'request a fresh stake certificate from the validators' })
  if (expected.now + root.params.clockSkewMs < cert.notBefore) throw new StakeCertificateNotYetValidError('stake certificate is not valid yet')
  const key = verified == null ? undefined : Buffer.from(signedStakeCertificateDigest(cert)).toString('base64')
  if (key != null && verified?.has(key) === true) return
  verifyQuorum(cert.signatures, stakeCertificateDigest(cert), root, STAKE_ERRORS)
  if (key != null) verified?.add(key)
}
