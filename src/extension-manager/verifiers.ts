import type { Manifest } from '../package/index.ts'
import type { OperationOptions } from '../util/progress.ts'

/** Who signed a package, as the TrustChain established it. */
export interface PublisherInfo {
  /** The publisher certificate's fingerprint, `SHA256:<hex>`. */
  fingerprint: string
  /** The trust level the TrustChain assigns (the policy grants capabilities per level). */
  trustLevel?: string
  /** The capabilities the publisher certificate is scoped to, if it is scoped. */
  capabilityScope?: string[]
}

/**
 * Checks a package's signature, chain and revocation (the TrustChain area provides it). It
 * throws a named error when the package is not acceptable.
 */
export interface SignatureVerifier {
  verifyPackage: (input: { dir: string, manifest: Manifest, manifestBytes: Uint8Array }, options?: OperationOptions) => Promise<PublisherInfo>
}

/** Checks a consensus proof bound to an operation and a package digest (the Consensus area provides it). */
export interface ProofVerifier {
  verify: (proof: unknown, binding: { operation: string, packageDigest: string }, options?: OperationOptions) => Promise<void>
}
