import { absorb, hasher, u32, u64 } from './encoding.ts'
import { BundleMalformedError } from './errors.ts'
import { signedStakeCertificateDigest } from './stake.ts'
import { decodeCanonical, encodeCbor } from './wire.ts'
import { bundle as bundleSchema, LIMITS } from './schema.ts'
import type { Operation } from './context.ts'
import type { LabelOpening } from './plot.ts'
import type { SignatureShare } from './quorum.ts'
import type { StakeCertificate } from './stake.ts'

/** The four-proof bundle as it travels (SPEC.md §9): one canonical CBOR map. */
export interface ConsensusBundle {
  v: 1
  op: Operation
  digest: string
  node: string
  epoch: number
  trustRootId: string
  paramsId: string
  /** The prover's context hash; the verifier recomputes it and compares. */
  contextHash: Uint8Array
  /** A threshold of validators' beacon shares for `epoch`. */
  beacon: SignatureShare[]
  plotRoot: Uint8Array
  /** `bits` is what the prover aimed for; only the verifier's policy decides. */
  work: { bits: number, nonce: number }
  vdf: { iterations: number, primeBits: number, y: Uint8Array, pi: Uint8Array }
  space: LabelOpening[]
  stake: StakeCertificate
  /** The node's Ed25519 signature over the bundle digest. */
  signature: Uint8Array
}

export type UnsignedBundle = Omit<ConsensusBundle, 'signature'>

/**
 * H("bundle", ctx, plotRoot, work, vdf, openings, signed stake certificate). It covers every
 * field but the signature (the context hash covers op, digest, node, epoch, beacon and ids), so
 * it is both what the node signs and the key of the replay cache.
 */
export function bundleDigest (b: UnsignedBundle, contextHash: Uint8Array): Uint8Array {
  const hash = hasher('bundle', contextHash, b.plotRoot, u32(b.work.bits), u64(b.work.nonce), u64(b.vdf.iterations), u32(b.vdf.primeBits), b.vdf.y, b.vdf.pi, u32(b.space.length))
  for (const opening of b.space) {
    absorb(hash, opening.label)
    absorb(hash, u32(opening.path.length))
    for (const sibling of opening.path) absorb(hash, sibling)
  }
  absorb(hash, signedStakeCertificateDigest(b.stake))
  return new Uint8Array(hash.digest())
}

export function encodeBundle (b: ConsensusBundle): Uint8Array {
  return encodeCbor(b)
}

/** Decodes and checks schema, sizes and canonical encoding; throws BundleMalformedError. */
export function decodeBundle (bytes: Uint8Array): ConsensusBundle {
  return decodeCanonical(bytes, bundleSchema, LIMITS.bundleBytes, (message, cause) => new BundleMalformedError(`consensus bundle: ${message}`, { cause })) as ConsensusBundle
}
