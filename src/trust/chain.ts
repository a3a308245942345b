import { x509 } from './x509-lib.ts'
import type { TrustCertificate } from './certificate.ts'
import {
  BadSignatureError, CertificateExpiredError, CertificateNotYetValidError, CertificateRevokedError,
  KeyUsageError, NotCaError, PathTooLongError, UnknownRootError
} from './errors.ts'
import type { RevocationList } from './revocation.ts'

/**
 * Certification path building and validation (a strict subset of RFC 5280 §6): the presented
 * certificates are searched for an issuer of each certificate until an anchor is reached, then
 * every certificate is checked for time, CA flag, path length, key usage and revocation.
 */

/** Hard limit on certificates in a path, anchor included: root → intermediates → leaf never needs more. */
export const MAX_CHAIN_DEPTH = 8
/** Verified (child, parent) signature pairs remembered; DER is immutable, so a pair never needs re-checking. */
const LINK_CACHE_SIZE = 4096

/** What path validation needs from a trust store. */
export interface ChainContext {
  /** Anchors whose subject equals `subject`. */
  anchorsBySubject: (subject: string) => readonly TrustCertificate[]
  /** The newest revocation list accepted from the issuer with this fingerprint. */
  revocationList: (issuerFingerprint: string) => RevocationList | undefined
}

export interface VerifiedChain {
  /** Leaf first, anchor last. */
  certificates: TrustCertificate[]
  leaf: TrustCertificate
  anchor: TrustCertificate
}

const verifiedLinks = new Set<string>()

/** True when `parent`'s key signed `child`; the result is cached by the pair of fingerprints. */
export function signedBy (child: TrustCertificate, parent: TrustCertificate): boolean {
  const link = child.fingerprint + parent.fingerprint
  if (verifiedLinks.has(link)) return true
  if (!child.native.verify(parent.publicKey)) return false
  if (verifiedLinks.size >= LINK_CACHE_SIZE) verifiedLinks.clear()
  verifiedLinks.add(link)
  return true
}

function findIssuer (cert: TrustCertificate, candidates: readonly TrustCertificate[]): { issuer?: TrustCertificate, nameMatched: boolean } {
  let nameMatched = false
  for (const candidate of candidates) {
    if (candidate.subject !== cert.issuer || candidate === cert) continue
    nameMatched = true
    if (signedBy(cert, candidate)) return { issuer: candidate, nameMatched }
  }
  return { nameMatched }
}

/** Builds the path from `presented[0]` (the leaf) to an anchor, checking each signature. */
export function buildPath (presented: readonly TrustCertificate[], context: ChainContext): TrustCertificate[] {
  if (presented.length === 0) throw new UnknownRootError('no certificate presented')
  const path = [presented[0]]
  for (;;) {
    const current = path[path.length - 1]
    if (path.length > MAX_CHAIN_DEPTH) throw new PathTooLongError(`chain longer than ${MAX_CHAIN_DEPTH} certificates`)
    const anchors = context.anchorsBySubject(current.subject)
    if (anchors.some(a => a.fingerprint === current.fingerprint)) return path
    if (current.subject === current.issuer) throw new UnknownRootError(`${current.subject} is a self-signed certificate that is not a trust anchor`)
    const byAnchor = findIssuer(current, context.anchorsBySubject(current.issuer))
    if (byAnchor.issuer !== undefined) {
      path.push(byAnchor.issuer)
      return path
    }
    const byPresented = findIssuer(current, presented.filter(c => !path.includes(c)))
    if (byPresented.issuer !== undefined) {
      path.push(byPresented.issuer)
      continue
    }
    // a presented issuer that does not verify means the chain was altered; an anchor's name
    // without its key means the chain comes from another root that reuses the name
    if (byPresented.nameMatched) throw new BadSignatureError(`the signature on ${current.subject} does not verify with its issuer ${current.issuer}`)
    throw new UnknownRootError(`no trusted anchor issued ${current.subject} (issuer ${current.issuer}${byAnchor.nameMatched ? ', an anchor has that name but not that key' : ''})`)
  }
}

export function checkValidity (cert: TrustCertificate, at: Date): void {
  if (at < cert.notBefore) throw new CertificateNotYetValidError(`${cert.subject} is valid from ${cert.notBefore.toISOString()}, checked at ${at.toISOString()}`)
  if (at > cert.notAfter) throw new CertificateExpiredError(`${cert.subject} expired at ${cert.notAfter.toISOString()}, checked at ${at.toISOString()}`)
}

export function hasKeyUsage (cert: TrustCertificate, flag: number): boolean {
  return cert.keyUsage !== undefined && (cert.keyUsage & flag) !== 0
}

/** Throws when `cert` is listed on its issuer's revocation list with a revocation time at or before `at`. */
export function checkNotRevoked (cert: TrustCertificate, issuer: TrustCertificate, context: ChainContext, at: Date): void {
  const revokedAt = context.revocationList(issuer.fingerprint)?.entries.get(cert.serialNumber)
  if (revokedAt !== undefined && revokedAt <= at) {
    throw new CertificateRevokedError(`${cert.subject} (serial ${cert.serialNumber}) was revoked by ${issuer.subject} at ${revokedAt.toISOString()}`)
  }
}

/**
 * Validates the chain `presented` (leaf first; intermediates in any order) at time `at`.
 * Returns the path used, or throws the named error of the first failed check.
 */
export function verifyChain (presented: readonly TrustCertificate[], context: ChainContext, at: Date): VerifiedChain {
  const path = buildPath(presented, context)
  for (const cert of path) checkValidity(cert, at)
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i]
    if (!issuer.ca) throw new NotCaError(`${issuer.subject} issued ${path[i - 1].subject} but is not a CA`)
    if (!hasKeyUsage(issuer, x509.KeyUsageFlags.keyCertSign)) throw new KeyUsageError(`${issuer.subject} lacks keyCertSign`)
    // pathLenConstraint counts the CA certificates that may follow this one, the leaf excluded
    if (issuer.pathLength !== undefined && i - 1 > issuer.pathLength) {
      throw new PathTooLongError(`${issuer.subject} allows ${issuer.pathLength} intermediate(s) below it, the chain has ${i - 1}`)
    }
    checkNotRevoked(path[i - 1], issuer, context, at)
  }
  return { certificates: path, leaf: path[0], anchor: path[path.length - 1] }
}
