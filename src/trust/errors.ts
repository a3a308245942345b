import { HyperMeshError } from '../util/errors.ts'

/**
 * One class per way a trust decision fails. Callers branch on `err.name`; every check in
 * protocols/trust/SPEC.md names the error it throws.
 */

/** A signature (certificate, envelope, revocation list or mesh root) does not verify. */
export class BadSignatureError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the data was altered or signed by another key; fetch it again from a trusted source' })
  }
}

/** The chain does not end at any anchor of the trust store. */
export class UnknownRootError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'add the mesh trust root (hypermesh trust init-mesh) or check which mesh signed this' })
  }
}

/** A certificate's notAfter lies before the verification time. */
export class CertificateExpiredError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'ask the issuer for a renewed certificate and re-sign' })
  }
}

/** A certificate's notBefore lies after the verification time. */
export class CertificateNotYetValidError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'check the system clock, or wait until the certificate becomes valid' })
  }
}

/** A certificate in the chain is listed on its issuer's newest revocation list. */
export class CertificateRevokedError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the issuer revoked this certificate; do not trust what it signed after the revocation time' })
  }
}

/** The package name or a requested capability lies outside the publisher's (or an issuer's) scope. */
export class OutOfScopeError extends HyperMeshError {
  readonly kind: 'name' | 'capability'
  constructor (message: string, kind: 'name' | 'capability') {
    super(message, { hint: 'publish under a name prefix your certificate allows, or request fewer capabilities' })
    this.kind = kind
  }
}

/** A certificate that issued another is not a CA (basicConstraints cA is false or absent). */
export class NotCaError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'only root and intermediate certificates may issue certificates' })
  }
}

/** The chain is longer than an issuer's pathLenConstraint or the hard depth limit. */
export class PathTooLongError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'issue the certificate from a CA closer to the root' })
  }
}

/** A certificate is used for something its keyUsage, extended key usage or role does not allow. */
export class KeyUsageError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'sign packages with a publisher certificate, certificates with a CA, and identify nodes with a node certificate' })
  }
}

/** Bytes that should be a certificate, envelope, revocation list or mesh root do not parse. */
export class MalformedTrustDataError extends HyperMeshError {
  constructor (message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause, hint: 'the file is damaged or is not HyperMesh trust data' })
  }
}

/** Rollback: a version or sequence number older than (or equal to, with other content) the newest seen. */
export class RollbackError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'a newer version was already seen; an older one is refused (rollback attack)' })
  }
}

/** Freeze: signed metadata whose expiry time has passed. */
export class ExpiredMetadataError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the record is stale; fetch a fresh one (freeze attack defence)' })
  }
}

/** Endless data: more bytes than the signed metadata allows. */
export class SizeLimitExceededError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the source sends more than the signed size; drop it (endless-data defence)' })
  }
}

/** Mix-and-match: a record names another manifest digest than the one at hand. */
export class DigestMismatchError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the record and the manifest do not belong together (mix-and-match defence)' })
  }
}

/** Wrong software: the signed name or version differs from what was asked for. */
export class WrongSoftwareError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the source answered with another package or version than requested' })
  }
}

/** Fewer valid signatures (or less weight) than the threshold asks. */
export class ThresholdNotMetError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'collect signatures from more of the required keys' })
  }
}

/** A node certificate does not bind the PeerId it is presented for. */
export class NodeIdentityMismatchError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the certificate was issued for another peer' })
  }
}

/** A request to issue, revoke or sign is itself invalid (bad arguments, wrong key for a certificate). */
export class InvalidTrustRequestError extends HyperMeshError {
  constructor (message: string, hint?: string) {
    super(message, { hint })
  }
}

/** A mesh root skips versions: each version must be signed by the one before it (TUF §5.3). */
export class RootVersionGapError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'fetch and apply every intermediate mesh root version in order' })
  }
}
