import { sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { parseJsonWith } from './parse-json.ts'
import { isFingerprint } from './fingerprint.ts'
import { isCanonicalPem } from './certificate.ts'
import { ML_DSA_65 } from './post-quantum.ts'

/**
 * Signatures follow DSSE (the Dead Simple Signing Envelope of in-toto/Sigstore): the signed
 * bytes are PAE(payloadType, payload), so a signature made for one kind of document can never
 * be replayed as another. A signature names its key by certificate fingerprint and may carry the
 * certificate chain (leaf first) that vouches for that key.
 */

/** Most signatures one envelope may carry: a hybrid pair per signer, a few signers. */
export const MAX_SIGNATURES = 8
/** Longest chain one signature may carry (mirrors MAX_CHAIN_DEPTH of chain.ts minus the anchor). */
export const MAX_CHAIN_CERTIFICATES = 7
/** Largest base64 payload: a canonical manifest is at most 1 MiB (src/package), base64 adds a third. */
export const MAX_PAYLOAD_BASE64 = 1_500_000
/** Largest PEM certificate we accept in an envelope. */
export const MAX_CERTIFICATE_PEM = 24 * 1024
/** Base64 length of an ML-DSA-65 signature (3309 bytes). */
const MAX_PQ_SIGNATURE_BASE64 = 4412
/** Length of an Ed25519 signature in bytes. */
export const ED25519_SIGNATURE_LENGTH = 64

/** A base64 string in its one canonical spelling (Node's decoder is lenient; a signed file must not be). */
export const base64 = (max: number): z.ZodType<string> => z.string().max(max).refine(s => Buffer.from(s, 'base64').toString('base64') === s, 'canonical base64')

export const envelopeSignatureSchema = z.strictObject({
  keyid: z.string().refine(isFingerprint, 'SHA256:<64 hex>'),
  sig: base64(128),
  /** The ML-DSA-65 half of a hybrid signature, over the same PAE bytes. */
  pq: z.strictObject({ alg: z.literal(ML_DSA_65), sig: base64(MAX_PQ_SIGNATURE_BASE64) }).optional(),
  chain: z.array(z.string().max(MAX_CERTIFICATE_PEM).refine(isCanonicalPem, 'one certificate in canonical PEM')).min(1).max(MAX_CHAIN_CERTIFICATES).optional()
})

export const envelopeSchema = z.strictObject({
  payloadType: z.string().min(1).max(128),
  payload: base64(MAX_PAYLOAD_BASE64),
  signatures: z.array(envelopeSignatureSchema).min(1).max(MAX_SIGNATURES)
})

export type EnvelopeSignature = z.infer<typeof envelopeSignatureSchema>
export type Envelope = z.infer<typeof envelopeSchema>

/** DSSE v1 pre-authentication encoding. */
export function pae (payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload])
}

export function signPae (privateKey: KeyObject, payloadType: string, payload: Uint8Array): string {
  return sign(null, pae(payloadType, payload), privateKey).toString('base64')
}

export function verifyPae (publicKey: KeyObject, payloadType: string, payload: Uint8Array, sig: string): boolean {
  const bytes = Buffer.from(sig, 'base64')
  if (bytes.length !== ED25519_SIGNATURE_LENGTH) return false
  return verify(null, pae(payloadType, payload), publicKey, bytes)
}

/** Validates an envelope (a parsed JSON value or its text), or throws MalformedTrustDataError. */
export function parseEnvelope (input: unknown): Envelope {
  return parseJsonWith(envelopeSchema, input, 'signature envelope')
}
