import { parseCertificateBundle } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import { verifyChain } from './chain.ts'
import type { ChainContext } from './chain.ts'
import { ExpiredMetadataError, MalformedTrustDataError } from './errors.ts'
import { parseRevocationList, MAX_REVOCATION_LIST_BYTES } from './revocation.ts'
import type { RevocationList } from './revocation.ts'

/**
 * Revocation lists travel through the mesh as DHT records, one key per issuer, so a list
 * published on one node reaches every node (DESIGN.md: "revocation lists are signed by the
 * issuer and spread through the mesh"). The record is PEM text: the CRL, then the issuer's
 * certificate, then any intermediates up to (not including) an anchor, so a node that has
 * never seen the issuer can still check that it chains to one of its anchors.
 */

/** The DHT namespace of revocation records (`/hmcrl/<hex of the issuer's SHA-256 fingerprint>`). */
export const REVOCATION_NAMESPACE = 'hmcrl'

/** Largest revocation record: the biggest CRL we parse plus a few certificates (kad-dht drops values near 5 MiB). */
export const MAX_REVOCATION_RECORD_BYTES = MAX_REVOCATION_LIST_BYTES + 64 * 1024

export interface VerifiedRevocationRecord {
  list: RevocationList
  /** The issuer's certificate, then its issuers up to the anchor (as verified). */
  chain: TrustCertificate[]
}

/** `/hmcrl/<hex>` for an issuer fingerprint `SHA256:<hex>`. */
export function revocationKey (issuerFingerprint: string): Uint8Array {
  return new TextEncoder().encode(`/${REVOCATION_NAMESPACE}/${issuerFingerprint.replace(/^SHA256:/, '').toLowerCase()}`)
}

/** The record for `list`: the CRL and the issuer's chain (issuer first), as PEM. */
export function encodeRevocationRecord (list: RevocationList, issuerChain: readonly TrustCertificate[]): Uint8Array {
  if (issuerChain[0]?.fingerprint !== list.issuerFingerprint) throw new MalformedTrustDataError('the chain must start with the list\'s issuer')
  return new TextEncoder().encode(list.pem + issuerChain.map(c => c.pem).join(''))
}

/**
 * Verifies a revocation record as every node does before storing, serving or applying it: the
 * issuer chains to an anchor at `at` (valid, a CA, not itself revoked), the CRL is its signed
 * list, the list is not stale (freeze), and the record sits under its issuer's key when `key` is
 * given. Rollback against a list already held is the caller's check (it knows what it holds).
 */
export function verifyRevocationRecord (bytes: Uint8Array, options: { trustStore: ChainContext, at: Date, key?: Uint8Array }): VerifiedRevocationRecord {
  if (bytes.length > MAX_REVOCATION_RECORD_BYTES) throw new MalformedTrustDataError(`revocation record of ${bytes.length} bytes exceeds ${MAX_REVOCATION_RECORD_BYTES}`)
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  const certificates = parseCertificateBundle(text)
  if (certificates.length === 0) throw new MalformedTrustDataError('revocation record carries no issuer certificate')
  const verified = verifyChain(certificates, options.trustStore, options.at)
  const issuer = verified.leaf
  const list = parseRevocationList(text, issuer)
  if (list.nextUpdate < options.at) throw new ExpiredMetadataError(`revocation list ${list.number} of ${issuer.subject} was due for renewal at ${list.nextUpdate.toISOString()}`)
  if (options.key !== undefined && Buffer.compare(Buffer.from(options.key), Buffer.from(revocationKey(issuer.fingerprint))) !== 0) {
    throw new MalformedTrustDataError(`revocation list of ${issuer.fingerprint} stored under another issuer's key`)
  }
  return { list, chain: verified.certificates }
}
