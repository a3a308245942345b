import { createHash } from 'node:crypto'

/** The prefix of every HyperMesh fingerprint (the manifest's `certificate_fingerprint`). */
export const FINGERPRINT_PREFIX = 'SHA256:'

/** `SHA256:<lowercase hex>` of a certificate's DER bytes; also the key id in signatures. */
export function fingerprint (der: Uint8Array): string {
  return FINGERPRINT_PREFIX + createHash('sha256').update(der).digest('hex')
}

/** True for a well-formed fingerprint string (64 lowercase hex digits after the prefix). */
export function isFingerprint (value: string): boolean {
  return /^SHA256:[0-9a-f]{64}$/.test(value)
}
