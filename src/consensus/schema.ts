import { z } from 'zod'
import { HASH_BYTES } from './encoding.ts'
import { ED25519_SIGNATURE_BYTES } from './keys.ts'
import { RSA_2048_BYTES } from './rsa2048.ts'
import { OPERATIONS } from './context.ts'

/** Size limits of everything a peer can send us (SPEC.md §9). */
export const LIMITS = Object.freeze({
  /** A production bundle is about 30 KiB; this leaves room and bounds the decoder's work. */
  bundleBytes: 256 * 1024,
  /** A registration carries K·(plotParents+2) openings: about 280 KiB at K=128, n=18. */
  registrationBytes: 1024 * 1024,
  /** Longest package or record digest string. */
  digestChars: 512,
  /** A base58 Ed25519 PeerId is 52 characters. */
  peerIdChars: 128,
  /** Longest trust root or parameter-set id. */
  idChars: 256,
  /** Most validators a mesh may name. */
  signatures: 256,
  /** Most openings of any kind in one message. */
  openings: 256,
  /** log2 of the largest plot. */
  pathLength: 32
})

const bytes = (length: number): z.ZodType<Uint8Array> =>
  z.custom<Uint8Array>(v => v instanceof Uint8Array && v.byteLength === length, { message: `expected ${length} bytes` })

export const hash = bytes(HASH_BYTES)
export const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const peerId = z.string().min(1).max(LIMITS.peerIdChars)
export const id = z.string().min(1).max(LIMITS.idChars)

export const signatureShare = z.strictObject({ validator: peerId, signature: bytes(ED25519_SIGNATURE_BYTES) })
export const signatureShares = z.array(signatureShare).max(LIMITS.signatures)

export const labelOpening = z.strictObject({ label: hash, path: z.array(hash).max(LIMITS.pathLength) })

export const stakeCertificate = z.strictObject({
  node: peerId,
  amount: count,
  plotRoot: hash,
  notBefore: count,
  notAfter: count,
  trustRootId: id,
  paramsId: id,
  signatures: signatureShares
})

export const bundle = z.strictObject({
  v: z.literal(1),
  op: z.enum(OPERATIONS),
  digest: z.string().min(1).max(LIMITS.digestChars),
  node: peerId,
  epoch: count,
  trustRootId: id,
  paramsId: id,
  contextHash: hash,
  beacon: signatureShares,
  plotRoot: hash,
  work: z.strictObject({ bits: z.number().int().min(0).max(256), nonce: count }),
  vdf: z.strictObject({ iterations: count, primeBits: z.number().int().min(8).max(1024), y: bytes(RSA_2048_BYTES), pi: bytes(RSA_2048_BYTES) }),
  space: z.array(labelOpening).max(LIMITS.openings),
  stake: stakeCertificate,
  signature: bytes(ED25519_SIGNATURE_BYTES)
})

export const registrationOpening = z.strictObject({ opening: labelOpening, parents: z.array(labelOpening).max(LIMITS.openings) })

export const plotRegistration = z.strictObject({
  node: peerId,
  paramsId: id,
  plotRoot: hash,
  openings: z.array(registrationOpening).max(LIMITS.openings)
})
