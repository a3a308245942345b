import { logger } from '@libp2p/logger'
import { beaconValue } from './beacon.ts'
import { bundleDigest, encodeBundle } from './bundle.ts'
import { contextHash } from './context.ts'
import { ParamsMismatchError } from './errors.ts'
import { proveSpace } from './space.ts'
import { prepareTrustRoot } from './trust-root.ts'
import { proveVdf, vdfInput } from './vdf.ts'
import { solveWork } from './work.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import type { ConsensusBundle, UnsignedBundle } from './bundle.ts'
import type { Operation } from './context.ts'
import type { Plot } from './plot.ts'
import type { SignatureShare } from './quorum.ts'
import type { StakeCertificate } from './stake.ts'
import type { ConsensusTrustRoot, PreparedTrustRoot } from './trust-root.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { PrivateKey } from '@libp2p/interface'

const log = logger('hypermesh:consensus')

export interface ProveInput {
  op: Operation
  digest: string
  /** The node's libp2p Ed25519 key: its PeerId is the bundle's `node`. */
  privateKey: PrivateKey
  trustRoot: ConsensusTrustRoot | PreparedTrustRoot
  epoch: number
  /** A threshold of validators' beacon shares for `epoch` (see the consensus service). */
  beacon: SignatureShare[]
  /** The node's plot, the one named by `stake`. */
  plot: Plot
  stake: StakeCertificate
}

/** Makes a bundle: context → work → VDF → space openings → the node's signature. */
export async function makeBundle (input: ProveInput, options: OperationOptions = {}): Promise<Uint8Array> {
  const root = prepareTrustRoot(input.trustRoot)
  const { params } = root
  if (input.plot.paramsId !== params.id) throw new ParamsMismatchError(`plot made for ${input.plot.paramsId}, the mesh uses ${params.id}`)
  const node = input.privateKey.publicKey.toString()
  const ctx = contextHash({
    op: input.op, digest: input.digest, node, epoch: input.epoch,
    beacon: beaconValue(root.id, input.epoch, input.beacon), trustRootId: root.id, paramsId: params.id
  })
  const started = performance.now()
  options.onProgress?.(new CustomProgressEvent('consensus:prove:start', { op: input.op, epoch: input.epoch, profile: params.profile }))
  const nonce = await solveWork(ctx, input.plot.root, params.workBits, options)
  const vdf = await proveVdf(vdfInput(ctx), params.vdfIterations, params.vdfPrimeBits, options)
  const unsigned: UnsignedBundle = {
    v: 1,
    op: input.op,
    digest: input.digest,
    node,
    epoch: input.epoch,
    trustRootId: root.id,
    paramsId: params.id,
    contextHash: ctx,
    beacon: input.beacon,
    plotRoot: input.plot.root,
    work: { bits: params.workBits, nonce },
    vdf: { iterations: params.vdfIterations, primeBits: params.vdfPrimeBits, ...vdf },
    space: proveSpace(input.plot, ctx, params),
    stake: input.stake
  }
  const signature = await input.privateKey.sign(bundleDigest(unsigned, ctx))
  const bundle: ConsensusBundle = { ...unsigned, signature }
  log('made %s proof in %d ms', input.op, Math.round(performance.now() - started))
  options.onProgress?.(new CustomProgressEvent('consensus:prove:done', { ms: Math.round(performance.now() - started) }))
  return encodeBundle(bundle)
}
