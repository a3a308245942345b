import type { KeyObject } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import { parseCertificate } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import { canonicalJsonBytes } from './canonical-json.ts'
import { base64, signPae, verifyPae } from './envelope.ts'
import { isFingerprint } from './fingerprint.ts'
import { publicKeyOf } from './keys.ts'
import { parseJsonWith } from './parse-json.ts'
import {
  ExpiredMetadataError, InvalidTrustRequestError, RollbackError, RootVersionGapError,
  ThresholdNotMetError, UnknownRootError
} from './errors.ts'

/**
 * The mesh trust root: the one file a mesh ships to every node (TUF's root.json for HyperMesh).
 * It names the root CA certificates (anchors), the validators with their weights and the weight
 * threshold, the genesis stake and the consensus profile, and is signed by `rootThreshold` of
 * its anchors' keys. A new version replaces it only when signed by a threshold of the old
 * anchors AND of the new ones, one version at a time; older versions are refused.
 */

export const MESH_ROOT_TYPE = 'hypermesh/mesh-root'
/** DSSE payload type of the canonical JSON of `signed`. */
export const MESH_ROOT_PAYLOAD_TYPE = 'application/vnd.hypermesh.mesh-root+json'
/** A mesh root lasts a year unless re-signed: long enough for offline root keys, short enough to end a freeze. */
export const MESH_ROOT_VALIDITY_DAYS = 365
/** Bounds that keep a hostile root file small: anchors are few, validator sets are hundreds. */
export const MAX_ANCHORS = 16
export const MAX_VALIDATORS = 1024
export const MAX_STAKE_ENTRIES = 10_000
export const CONSENSUS_PROFILES = ['test', 'production'] as const
const DAY_MS = 24 * 60 * 60 * 1000

/** True for a libp2p Ed25519 PeerId in its base58 text form. */
export function isEd25519PeerId (value: string): boolean {
  try {
    return peerIdFromString(value).type === 'Ed25519'
  } catch {
    return false
  }
}

const peerId = z.string().max(128).refine(isEd25519PeerId, 'a libp2p Ed25519 PeerId (base58)')
const pem = z.string().max(24 * 1024).regex(/^-----BEGIN CERTIFICATE-----/)
const safeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

export const validatorSchema = z.strictObject({ peerId, weight: safeInt.min(1) })
export const stakeSchema = z.strictObject({ peerId, amount: safeInt })

export const meshRootBodySchema = z.strictObject({
  type: z.literal(MESH_ROOT_TYPE),
  version: safeInt.min(1),
  meshId: z.string().min(1).max(128),
  expires: z.iso.datetime(),
  anchors: z.array(pem).min(1).max(MAX_ANCHORS),
  rootThreshold: safeInt.min(1),
  validators: z.array(validatorSchema).max(MAX_VALIDATORS),
  /** Validator weight needed for a threshold decision (stake certificates, beacons). */
  threshold: safeInt,
  stake: z.array(stakeSchema).max(MAX_STAKE_ENTRIES),
  consensus: z.strictObject({ profile: z.enum(CONSENSUS_PROFILES) })
}).superRefine((body, ctx) => {
  if (body.rootThreshold > body.anchors.length) ctx.addIssue({ code: 'custom', message: 'rootThreshold exceeds the number of anchors', path: ['rootThreshold'] })
  const total = body.validators.reduce((sum, v) => sum + v.weight, 0)
  if (body.validators.length > 0 && (body.threshold < 1 || body.threshold > total)) ctx.addIssue({ code: 'custom', message: `threshold must lie in 1..${total}`, path: ['threshold'] })
  if (new Set(body.validators.map(v => v.peerId)).size !== body.validators.length) ctx.addIssue({ code: 'custom', message: 'duplicate validator', path: ['validators'] })
  if (new Set(body.stake.map(s => s.peerId)).size !== body.stake.length) ctx.addIssue({ code: 'custom', message: 'duplicate stake entry', path: ['stake'] })
})

export const meshRootSchema = z.strictObject({
  signed: meshRootBodySchema,
  signatures: z.array(z.strictObject({ keyid: z.string().refine(isFingerprint), sig: base64(128) })).min(1).max(MAX_ANCHORS)
})

export type MeshRootBody = z.infer<typeof meshRootBodySchema>
export type MeshRoot = z.infer<typeof meshRootSchema>
export type Validator = z.infer<typeof validatorSchema>
export type StakeAllocation = z.infer<typeof stakeSchema>
export type ConsensusProfile = typeof CONSENSUS_PROFILES[number]

/** The smallest integer weight strictly above two thirds of `total`. */
export function defaultValidatorThreshold (total: number): number {
  return Math.floor((2 * total) / 3) + 1
}

/** Parses a mesh root (JSON text or value) without checking signatures. */
export function parseMeshRoot (input: unknown): MeshRoot {
  return parseJsonWith(meshRootSchema, input, 'mesh root')
}

/** A root key: an anchor certificate and its private key. */
export interface RootSigner {
  certificate: TrustCertificate
  privateKey: KeyObject
}

/**
 * Signs `body` with each signer. A signer need not be one of the body's anchors: for a rotation the
 * previous root's keys sign the new body too.
 */
export function signMeshRoot (body: MeshRootBody, signers: RootSigner[]): MeshRoot {
  const parsed = meshRootBodySchema.parse(body)
  const bytes = canonicalJsonBytes(parsed)
  const signatures = signers.map(s => {
    const own = publicKeyOf(s.privateKey).export({ format: 'der', type: 'spki' })
    if (Buffer.compare(own, s.certificate.publicKey.export({ format: 'der', type: 'spki' })) !== 0) throw new InvalidTrustRequestError(`the key does not belong to ${s.certificate.subject}`)
    return { keyid: s.certificate.fingerprint, sig: signPae(s.privateKey, MESH_ROOT_PAYLOAD_TYPE, bytes) }
  })
  return { signed: parsed, signatures }
}

export interface CreateMeshRootParams {
  meshId: string
  anchors: TrustCertificate[]
  signers: RootSigner[]
  validators: Validator[]
  /** @default defaultValidatorThreshold(total weight) */
  threshold?: number
  stake?: StakeAllocation[]
  profile: ConsensusProfile
  /** @default 1 */
  version?: number
  /** @default all anchors */
  rootThreshold?: number
  /** @default now */
  now?: Date
  /** @default MESH_ROOT_VALIDITY_DAYS */
  validityDays?: number
}

export function createMeshRoot (params: CreateMeshRootParams): MeshRoot {
  const now = params.now ?? new Date()
  const total = params.validators.reduce((sum, v) => sum + v.weight, 0)
  return signMeshRoot({
    type: MESH_ROOT_TYPE,
    version: params.version ?? 1,
    meshId: params.meshId,
    expires: new Date(now.getTime() + (params.validityDays ?? MESH_ROOT_VALIDITY_DAYS) * DAY_MS).toISOString(),
    anchors: params.anchors.map(a => a.pem),
    rootThreshold: params.rootThreshold ?? params.anchors.length,
    validators: params.validators,
    threshold: params.threshold ?? (total === 0 ? 0 : defaultValidatorThreshold(total)),
    stake: params.stake ?? [],
    consensus: { profile: params.profile }
  }, params.signers)
}

/** Counts distinct keys among `keys` (anchor PEMs) with a valid signature over `root.signed`; throws below `threshold`. */
function checkThreshold (root: MeshRoot, keys: readonly string[], threshold: number, which: string): void {
  const bytes = canonicalJsonBytes(root.signed)
  const certs = new Map(keys.map(p => {
    const c = parseCertificate(p)
    return [c.fingerprint, c]
  }))
  const good = new Set<string>()
  for (const s of root.signatures) {
    const cert = certs.get(s.keyid)
    if (cert !== undefined && verifyPae(cert.publicKey, MESH_ROOT_PAYLOAD_TYPE, bytes, s.sig)) good.add(s.keyid)
  }
  if (good.size < threshold) throw new ThresholdNotMetError(`mesh root v${root.signed.version} has ${good.size} valid signature(s) by ${which} keys, ${threshold} required`)
}

function checkNotExpired (root: MeshRoot, at: Date): void {
  if (new Date(root.signed.expires) < at) throw new ExpiredMetadataError(`mesh root v${root.signed.version} expired at ${root.signed.expires}`)
}

/**
 * Checks a mesh root on its own (first install: the file is trusted because it was shipped with
 * the node): signed by its own threshold of anchors, and not expired.
 */
export function verifyMeshRoot (input: unknown, at = new Date()): MeshRoot {
  const root = parseMeshRoot(input)
  checkThreshold(root, root.signed.anchors, root.signed.rootThreshold, 'its own')
  checkNotExpired(root, at)
  return root
}

/**
 * Moves from `trusted` to the newest of `candidates` one version at a time (TUF §5.3): each
 * next version must be exactly one higher, signed by the threshold of the version before it and by
 * its own threshold. A candidate at or below the trusted version is a rollback. Only the final
 * root must be unexpired. Returns the newest root reached (`trusted` if none was given).
 */
export function updateMeshRoot (trusted: MeshRoot, candidates: unknown[], at = new Date()): MeshRoot {
  let current = trusted
  const parsed = candidates.map(c => parseMeshRoot(c)).sort((a, b) => a.signed.version - b.signed.version)
  for (const next of parsed) {
    if (next.signed.version <= current.signed.version) {
      throw new RollbackError(`mesh root v${next.signed.version} is not newer than the trusted v${current.signed.version}`)
    }
    if (next.signed.version !== current.signed.version + 1) {
      throw new RootVersionGapError(`mesh root v${next.signed.version} does not follow v${current.signed.version}`)
    }
    if (next.signed.meshId !== current.signed.meshId) throw new UnknownRootError(`mesh root for ${next.signed.meshId}, this node trusts ${current.signed.meshId}`)
    checkThreshold(next, current.signed.anchors, current.signed.rootThreshold, 'the previous root\'s')
    checkThreshold(next, next.signed.anchors, next.signed.rootThreshold, 'its own')
    current = next
  }
  checkNotExpired(current, at)
  return current
}

/** Total validator weight of a root. */
export function totalValidatorWeight (root: MeshRoot): number {
  return root.signed.validators.reduce((sum, v) => sum + v.weight, 0)
}
