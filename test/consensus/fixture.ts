import { createHash } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { createPlot } from '../../src/consensus/plot.ts'
import { makeRegistration, verifyRegistration } from '../../src/consensus/plot-registration.ts'
import { signBeaconShare } from '../../src/consensus/beacon.ts'
import { signStakeCertificate } from '../../src/consensus/stake.ts'
import { makeBundle } from '../../src/consensus/prove.ts'
import { epochAt } from '../../src/consensus/epoch.ts'
import { paramsFor } from '../../src/consensus/params.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Plot } from '../../src/consensus/plot.ts'
import type { ProfileName } from '../../src/consensus/params.ts'
import type { SignatureShare } from '../../src/consensus/quorum.ts'
import type { StakeCertificate } from '../../src/consensus/stake.ts'
import type { ConsensusTrustRoot } from '../../src/consensus/trust-root.ts'
import type { Operation } from '../../src/consensus/context.ts'

/**
 * A deterministic little mesh for tests, vectors and benchmarks: four validators of weight 1
 * (threshold 3) and two nodes, all keys derived from a label, so vectors are reproducible.
 */

export const START = Date.UTC(2026, 0, 1)
export const VALIDATORS = 4
export const THRESHOLD = 3
/** Stake of the well-funded node and of the poor one (below every profile's minimum). */
export const RICH = 1_000_000
export const POOR = 0

export async function keyFor (label: string): Promise<PrivateKey> {
  return generateKeyPairFromSeed('Ed25519', createHash('sha256').update(`hypermesh-consensus-fixture/${label}`).digest())
}

export interface Mesh {
  profile: ProfileName
  root: ConsensusTrustRoot
  validators: PrivateKey[]
  node: PrivateKey
  other: PrivateKey
  poor: PrivateKey
  now: number
  epoch: number
}

export async function makeMesh (profile: ProfileName = 'test', now = START + 30_000): Promise<Mesh> {
  const validators = await Promise.all(Array.from({ length: VALIDATORS }, async (_, i) => keyFor(`validator-${i}`)))
  const [node, other, poor] = await Promise.all([keyFor('node'), keyFor('other'), keyFor('poor')])
  const root: ConsensusTrustRoot = {
    meshId: 'fixture-mesh',
    validators: validators.map(v => ({ peerId: v.publicKey.toString(), weight: 1 })),
    threshold: THRESHOLD,
    stake: [
      { peerId: node.publicKey.toString(), amount: RICH },
      { peerId: other.publicKey.toString(), amount: RICH },
      { peerId: poor.publicKey.toString(), amount: POOR }
    ],
    consensus: { profile }
  }
  return { profile, root, validators, node, other, poor, now, epoch: epochAt(now, paramsFor(profile)) }
}

export async function beaconShares (mesh: Mesh, epoch = mesh.epoch, signers = mesh.validators.slice(0, THRESHOLD)): Promise<SignatureShare[]> {
  return Promise.all(signers.map(async v => signBeaconShare(v, mesh.root.meshId, epoch)))
}

const plots = new Map<string, Promise<Plot>>()

/** Plots are the slow part of a fixture; each (key, profile) is made once per process. */
export async function plotFor (mesh: Mesh, key: PrivateKey): Promise<Plot> {
  const cacheKey = `${key.publicKey.toString()}/${mesh.profile}`
  let plot = plots.get(cacheKey)
  if (plot == null) {
    plot = createPlot(key.publicKey.raw, paramsFor(mesh.profile))
    plots.set(cacheKey, plot)
  }
  return plot
}

export interface CertOptions {
  amount?: number
  notBefore?: number
  notAfter?: number
  signers?: PrivateKey[]
  plotRoot?: Uint8Array
}

/** A certificate as validators would issue it, after checking the plot registration. */
export async function stakeCertificate (mesh: Mesh, key: PrivateKey, plot: Plot, options: CertOptions = {}): Promise<StakeCertificate> {
  const params = paramsFor(mesh.profile)
  const node = key.publicKey.toString()
  verifyRegistration(makeRegistration(plot, node, params), node, params)
  const body = {
    node,
    amount: options.amount ?? RICH,
    plotRoot: options.plotRoot ?? plot.root,
    notBefore: options.notBefore ?? mesh.now - 60_000,
    notAfter: options.notAfter ?? mesh.now + 3_600_000,
    trustRootId: mesh.root.meshId,
    paramsId: params.id
  }
  const signatures = await Promise.all((options.signers ?? mesh.validators.slice(0, THRESHOLD)).map(async v => signStakeCertificate(v, body)))
  return { ...body, signatures }
}

export interface BundleOptions {
  op?: Operation
  digest?: string
  key?: PrivateKey
  epoch?: number
  beacon?: SignatureShare[]
  cert?: CertOptions
  stake?: StakeCertificate
}

export const DIGEST = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

export async function bundleFor (mesh: Mesh, options: BundleOptions = {}): Promise<Uint8Array> {
  const key = options.key ?? mesh.node
  const plot = await plotFor(mesh, key)
  const epoch = options.epoch ?? mesh.epoch
  return makeBundle({
    op: options.op ?? 'install',
    digest: options.digest ?? DIGEST,
    privateKey: key,
    trustRoot: mesh.root,
    epoch,
    beacon: options.beacon ?? await beaconShares(mesh, epoch),
    plot,
    stake: options.stake ?? await stakeCertificate(mesh, key, plot, options.cert)
  })
}
