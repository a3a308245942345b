import { logger } from '@libp2p/logger'
import { beaconValue, verifyBeacon } from './beacon.ts'
import { bundleDigest, decodeBundle } from './bundle.ts'
import { createCaches, EpochSet } from './caches.ts'
import { contextHash } from './context.ts'
import { equalBytes, toHex } from './encoding.ts'
import { checkEpoch } from './epoch.ts'
import {
  BundleReplayedError, ContextMismatchError, DigestMismatchError, NodeMismatchError, NodeSignatureInvalidError, OperationMismatchError,
  ParamsMismatchError, TrustRootMismatchError, VdfIterationsMismatchError, VdfPrimeSizeMismatchError, WorkBelowPolicyError
} from './errors.ts'
import { verifySignature } from './keys.ts'
import { verifySpace } from './space.ts'
import { verifyStakeCertificate } from './stake.ts'
import { prepareTrustRoot } from './trust-root.ts'
import { verifyVdf, vdfInput } from './vdf.ts'
import { verifyWork } from './work.ts'
import type { VerifierCaches } from './caches.ts'
import type { Operation } from './context.ts'
import type { ConsensusTrustRoot, PreparedTrustRoot } from './trust-root.ts'

const log = logger('hypermesh:consensus')

/** What the caller expects the proof to be for; the bundle must match it exactly. */
export interface Expectation {
  op: Operation
  digest: string
  node: string
}

export interface VerifierInit {
  /**
   * The clock, in Unix milliseconds.
   * @default Date.now
   */
  now?: () => number
  /**
   * Beacon and certificate caches; share one object between verifiers to share warm caches.
   * @default fresh caches
   */
  caches?: VerifierCaches
  /**
   * Digests of accepted bundles; a bundle seen here is rejected as replayed.
   * @default a fresh replay cache
   */
  replay?: EpochSet
}

export interface VerifiedBundle {
  op: Operation
  digest: string
  node: string
  epoch: number
  /** Hex of the bundle digest (the replay-cache key). */
  bundleDigest: string
  stakeAmount: number
}

/**
 * The pure verifier (SPEC.md §10): no network, no I/O, synchronous. Checks run cheapest first
 * and the first failure is thrown as its named error; only a fully verified bundle enters the
 * replay cache.
 */
export class ConsensusVerifier {
  readonly root: PreparedTrustRoot
  private readonly now: () => number
  private readonly caches: VerifierCaches
  private readonly replay: EpochSet

  constructor (trustRoot: ConsensusTrustRoot | PreparedTrustRoot, init: VerifierInit = {}) {
    this.root = prepareTrustRoot(trustRoot)
    this.now = init.now ?? Date.now
    this.caches = init.caches ?? createCaches()
    this.replay = init.replay ?? new EpochSet()
  }

  /**
   * Verifies a bundle. `options.now` verifies as of another time, e.g. a registry record's
   * publication time when a record is checked again long after it was made.
   */
  verify (bytes: Uint8Array, expected: Expectation, options: { now?: number } = {}): VerifiedBundle {
    const { root } = this
    const { params } = root
    const now = options.now ?? this.now()
    // 1. schema, sizes, canonical encoding
    const b = decodeBundle(bytes)
    // 2. ids and the verifier's own parameters
    if (b.paramsId !== params.id) throw new ParamsMismatchError(`bundle made for ${b.paramsId}, expected ${params.id}`)
    if (b.trustRootId !== root.id) throw new TrustRootMismatchError('bundle made under another trust root')
    if (b.op !== expected.op) throw new OperationMismatchError(`bundle is for ${b.op}, expected ${expected.op}`)
    if (b.digest !== expected.digest) throw new DigestMismatchError('bundle is for another package or record')
    if (b.node !== expected.node) throw new NodeMismatchError('bundle was made by another node')
    if (b.work.bits < params.workBits) throw new WorkBelowPolicyError(`work of ${b.work.bits} bits, policy needs ${params.workBits}`)
    if (b.vdf.iterations !== params.vdfIterations) throw new VdfIterationsMismatchError(`VDF of ${b.vdf.iterations} squarings, policy needs ${params.vdfIterations}`)
    if (b.vdf.primeBits !== params.vdfPrimeBits) throw new VdfPrimeSizeMismatchError(`VDF prime of ${b.vdf.primeBits} bits, policy needs ${params.vdfPrimeBits}`)
    // 3. epoch
    checkEpoch(b.epoch, now, params)
    // 4. beacon (cached per epoch)
    const beacon = beaconValue(root.id, b.epoch, b.beacon)
    const beaconKey = toHex(beacon)
    if (!this.caches.beacons.has(b.epoch, beaconKey)) {
      verifyBeacon(root, b.epoch, b.beacon)
      this.caches.beacons.add(b.epoch, beaconKey)
    }
    // 5. context and replay
    const ctx = contextHash({ op: b.op, digest: b.digest, node: b.node, epoch: b.epoch, beacon, trustRootId: root.id, paramsId: params.id })
    if (!equalBytes(ctx, b.contextHash)) throw new ContextMismatchError('the proofs were made for another context')
    const digest = bundleDigest(b, ctx)
    const replayKey = toHex(digest)
    if (this.replay.has(b.epoch, replayKey)) throw new BundleReplayedError('this bundle was already accepted')
    // 6. work: one hash
    verifyWork(ctx, b.plotRoot, b.work.nonce, params.workBits)
    // 7. stake certificate (cached), then the node's own signature
    verifyStakeCertificate(b.stake, { node: b.node, plotRoot: b.plotRoot, now }, root, this.caches.certificates)
    if (!verifySignature(b.node, digest, b.signature)) throw new NodeSignatureInvalidError('the node signature does not verify')
    // 8. space: k Merkle paths
    verifySpace(b.plotRoot, ctx, b.space, params)
    // 9. time: the VDF
    verifyVdf(vdfInput(ctx), { y: b.vdf.y, pi: b.vdf.pi }, params.vdfIterations, params.vdfPrimeBits)
    this.replay.add(b.epoch, replayKey)
    log.trace('accepted %s proof by %s for epoch %d', b.op, b.node, b.epoch)
    return { op: b.op, digest: b.digest, node: b.node, epoch: b.epoch, bundleDigest: replayKey, stakeAmount: b.stake.amount }
  }
}
