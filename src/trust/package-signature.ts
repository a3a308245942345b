import type { KeyObject } from 'node:crypto'
import { x509 } from './x509-lib.ts'
import { parseCertificate } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import { hasKeyUsage, verifyChain } from './chain.ts'
import type { ChainContext, VerifiedChain } from './chain.ts'
import { pae, parseEnvelope, signPae, verifyPae } from './envelope.ts'
import type { Envelope, EnvelopeSignature } from './envelope.ts'
import { ML_DSA_65, postQuantumSign, postQuantumVerify } from './post-quantum.ts'
import type { PostQuantumKey } from './post-quantum.ts'
import { capabilitiesOutsideScope, CODE_SIGNING_OID, nameInScope } from './extensions.ts'
import { publicKeyOf } from './keys.ts'
import {
  BadSignatureError, DigestMismatchError, InvalidTrustRequestError, KeyUsageError, MalformedTrustDataError, OutOfScopeError
} from './errors.ts'

/** The DSSE payload type of a signed package manifest (its canonical bytes). */
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.hypermesh.manifest+json'

/**
 * Signs a manifest's canonical bytes with a publisher key. `chain` is the publisher
 * certificate first, then the intermediates (the anchor may be left out: verifiers have it).
 */
export function signPackage (params: {
  bytes: Uint8Array
  key: KeyObject
  chain: TrustCertificate[]
  /** The ML-DSA-65 key the publisher certificate certifies; required when it certifies one. */
  postQuantumKey?: PostQuantumKey
  payloadType?: string
}): Envelope {
  const leaf = params.chain[0]
  if (leaf === undefined) throw new InvalidTrustRequestError('signing needs the publisher certificate chain')
  const own = publicKeyOf(params.key).export({ format: 'der', type: 'spki' })
  if (Buffer.compare(own, leaf.publicKey.export({ format: 'der', type: 'spki' })) !== 0) {
    throw new InvalidTrustRequestError('the key does not belong to the publisher certificate', 'pass the key written next to the certificate')
  }
  assertPublisher(leaf)
  const payloadType = params.payloadType ?? MANIFEST_PAYLOAD_TYPE
  const signature: EnvelopeSignature = { keyid: leaf.fingerprint, sig: signPae(params.key, payloadType, params.bytes), chain: params.chain.map(c => c.pem) }
  if (leaf.postQuantumKey !== undefined) {
    const pq = params.postQuantumKey
    if (pq === undefined) throw new InvalidTrustRequestError(`${leaf.subject} certifies an ML-DSA-65 key: signatures must be hybrid`, 'pass the ML-DSA-65 key file written with the certificate')
    if (Buffer.compare(Buffer.from(pq.publicKey), Buffer.from(leaf.postQuantumKey)) !== 0) throw new InvalidTrustRequestError('the ML-DSA-65 key does not belong to the publisher certificate')
    signature.pq = { alg: ML_DSA_65, sig: postQuantumSign(pq, pae(payloadType, params.bytes)) }
  }
  return { payloadType, payload: Buffer.from(params.bytes).toString('base64'), signatures: [signature] }
}

/** The post-quantum half: required exactly when the leaf certifies an ML-DSA-65 key. */
function checkPostQuantum (leaf: TrustCertificate, signature: EnvelopeSignature, payloadType: string, payload: Uint8Array): void {
  if (leaf.postQuantumKey === undefined) {
    if (signature.pq !== undefined) throw new BadSignatureError(`${leaf.subject} certifies no post-quantum key, yet the signature carries one`)
    return
  }
  if (signature.pq === undefined) throw new BadSignatureError(`${leaf.subject} signs hybrid; the ML-DSA-65 signature is missing`)
  if (!postQuantumVerify(leaf.postQuantumKey, pae(payloadType, payload), signature.pq.sig)) throw new BadSignatureError(`the ML-DSA-65 signature by ${leaf.subject} does not verify`)
}

/** A package signer is an end-entity certificate with digitalSignature, codeSigning and a scope. */
export function assertPublisher (leaf: TrustCertificate): void {
  if (leaf.ca) throw new KeyUsageError(`${leaf.subject} is a CA certificate; packages are signed by publisher certificates`)
  if (!hasKeyUsage(leaf, x509.KeyUsageFlags.digitalSignature)) throw new KeyUsageError(`${leaf.subject} lacks the digitalSignature key usage`)
  if (!leaf.extendedKeyUsage.includes(CODE_SIGNING_OID)) throw new KeyUsageError(`${leaf.subject} lacks the codeSigning extended key usage`)
  if (leaf.scope === undefined) throw new KeyUsageError(`${leaf.subject} carries no publisher scope`)
}

/** Checks `name` and `capabilities` against the leaf's scope and every scope constraint of its issuers. */
export function checkScope (chain: VerifiedChain, name: string, capabilities: readonly string[]): void {
  for (const cert of chain.certificates) {
    if (cert.scope === undefined) continue
    if (!nameInScope(cert.scope, name)) throw new OutOfScopeError(`${cert.subject} may not publish ${JSON.stringify(name)} (allowed prefixes: ${cert.scope.namePrefixes.join(', ')})`, 'name')
    const outside = capabilitiesOutsideScope(cert.scope, capabilities)
    if (outside.length > 0) throw new OutOfScopeError(`${cert.subject} may not grant ${outside.join(', ')}`, 'capability')
  }
}

export interface VerifiedPackageSignature extends VerifiedChain {
  /** The publisher certificate's fingerprint (the manifest's `certificate_fingerprint`). */
  fingerprint: string
}

export interface VerifyPackageParams {
  /** The manifest's canonical bytes as the verifier computed them; must equal the envelope's payload. */
  bytes: Uint8Array
  /** The package name (manifest id) checked against the publisher's name prefixes. */
  name: string
  /** The capabilities the manifest requests. */
  capabilities: readonly string[]
  /** The envelope (parsed JSON or its text). */
  envelope: unknown
  trustStore: ChainContext
  /** @default now */
  at?: Date
  /** When set, only a signature by this certificate counts (the manifest's `certificate_fingerprint`). */
  fingerprint?: string
  /** @default MANIFEST_PAYLOAD_TYPE */
  payloadType?: string
}

/**
 * Verifies a package signature: payload binding, chain to an anchor, validity, revocation, key
 * usage, signature and scope. Returns the chain of the first signature that passes; if none does,
 * throws the error of the first signature tried.
 */
export function verifyPackageSignature (params: VerifyPackageParams): VerifiedPackageSignature {
  const envelope = parseEnvelope(params.envelope)
  const payloadType = params.payloadType ?? MANIFEST_PAYLOAD_TYPE
  if (envelope.payloadType !== payloadType) throw new BadSignatureError(`envelope carries ${envelope.payloadType}, expected ${payloadType}`)
  const payload = Buffer.from(envelope.payload, 'base64')
  if (Buffer.compare(payload, Buffer.from(params.bytes)) !== 0) throw new DigestMismatchError('the envelope signs other bytes than this manifest')
  const at = params.at ?? new Date()
  let first: unknown
  for (const signature of envelope.signatures) {
    try {
      if (params.fingerprint !== undefined && signature.keyid !== params.fingerprint) {
        // another trusted signer may be in scope too, but the manifest names who signed it
        throw new BadSignatureError(`signature by ${signature.keyid}, the manifest names ${params.fingerprint}`)
      }
      if (signature.chain === undefined) throw new MalformedTrustDataError('package signatures must carry their certificate chain')
      const presented = signature.chain.map(pem => parseCertificate(pem))
      const leaf = presented[0]
      if (leaf.fingerprint !== signature.keyid) throw new BadSignatureError(`keyid ${signature.keyid} is not the fingerprint of the first certificate`)
      const chain = verifyChain(presented, params.trustStore, at)
      assertPublisher(leaf)
      if (!verifyPae(leaf.publicKey, envelope.payloadType, payload, signature.sig)) throw new BadSignatureError(`the manifest signature by ${leaf.subject} does not verify`)
      checkPostQuantum(leaf, signature, envelope.payloadType, payload)
      checkScope(chain, params.name, params.capabilities)
      return { ...chain, fingerprint: leaf.fingerprint }
    } catch (err) {
      first ??= err
    }
  }
  throw first
}
