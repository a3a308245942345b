import { randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { ED25519, x509 } from './x509-lib.ts'
import { parseCertificate } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import {
  CLIENT_AUTH_OID, CODE_SIGNING_OID, encodeNodeBinding, encodePostQuantumKey, encodeScope, NODE_OID, PQ_KEY_OID, SCOPE_OID, SERVER_AUTH_OID, scopeWithin
} from './extensions.ts'
import type { NodeBinding, Scope } from './extensions.ts'
import { publicKeyFromRaw, publicKeyOf, toWebPrivateKey, toWebPublicKey } from './keys.ts'
import { InvalidTrustRequestError, KeyUsageError, NotCaError, OutOfScopeError } from './errors.ts'

const DAY_MS = 24 * 60 * 60 * 1000
/** A root outlives every certificate under it; ten years is the usual offline-root lifetime. */
export const ROOT_VALIDITY_DAYS = 3650
/** Intermediates are rotated more often than roots but must outlive the publishers they issue. */
export const INTERMEDIATE_VALIDITY_DAYS = 1825
/** A publisher certificate is renewed yearly, so a leaked key is useful for a bounded time. */
export const PUBLISHER_VALIDITY_DAYS = 365
/** Node certificates are short-lived: a node that leaves the mesh drops out within a quarter. */
export const NODE_VALIDITY_DAYS = 90
/** Serial numbers: 16 random bytes (RFC 5280 allows up to 20) make collisions negligible. */
const SERIAL_BYTES = 16
/** Clock skew allowed between issuer and verifier: a fresh certificate is usable at once elsewhere. */
const BACKDATE_MS = 5 * 60 * 1000

/** The issuing side of a certificate: its certificate and private key. */
export interface Issuer {
  certificate: TrustCertificate
  privateKey: KeyObject
}

/**
 * Everything a certificate can carry. The wrappers below (issueRoot, issueIntermediate,
 * issuePublisher, issueNodeCertificate) fill it correctly; tests call this directly to build
 * the malformed chains each verification error needs.
 */
export interface CertificateRequest {
  /** Common name of the subject. */
  subject: string
  publicKey: KeyObject
  /** Absent: self-signed with `selfSignKey`. */
  issuer?: Issuer
  selfSignKey?: KeyObject
  /** @default now minus five minutes of clock skew */
  notBefore?: Date
  notAfter: Date
  ca: boolean
  pathLength?: number
  /** x509.KeyUsageFlags bits; omitted leaves the keyUsage extension out. */
  keyUsage?: number
  extendedKeyUsage?: string[]
  scope?: Scope
  node?: NodeBinding
  /** An ML-DSA-65 public key to certify (publishers signing hybrid signatures). */
  postQuantumKey?: Uint8Array
  serialNumber?: string
}

export function randomSerial (): string {
  const bytes = randomBytes(SERIAL_BYTES)
  bytes[0] &= 0x7f // positive INTEGER
  bytes[0] |= 0x01 // and never a leading zero byte that DER would strip
  return bytes.toString('hex')
}

export function daysFrom (start: Date, days: number): Date {
  return new Date(start.getTime() + days * DAY_MS)
}

export async function issueCertificate (req: CertificateRequest): Promise<TrustCertificate> {
  const signingKey = req.issuer?.privateKey ?? req.selfSignKey
  if (signingKey === undefined) throw new InvalidTrustRequestError('a certificate needs an issuer or a self-signing key')
  const webPublic = toWebPublicKey(req.publicKey)
  const subjectName = [{ CN: [req.subject] }]
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(req.ca, req.pathLength, true),
    await x509.SubjectKeyIdentifierExtension.create(webPublic)
  ]
  if (req.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(req.keyUsage, true))
  if (req.extendedKeyUsage !== undefined) extensions.push(new x509.ExtendedKeyUsageExtension(req.extendedKeyUsage, false))
  const issuerPublic = req.issuer !== undefined ? req.issuer.certificate.publicKey : publicKeyOf(signingKey)
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(toWebPublicKey(issuerPublic)))
  if (req.scope !== undefined) extensions.push(new x509.Extension(SCOPE_OID, true, encodeScope(req.scope)))
  if (req.node !== undefined) extensions.push(new x509.Extension(NODE_OID, true, encodeNodeBinding(req.node)))
  if (req.postQuantumKey !== undefined) extensions.push(new x509.Extension(PQ_KEY_OID, false, encodePostQuantumKey(req.postQuantumKey)))
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: req.serialNumber ?? randomSerial(),
    subject: subjectName,
    issuer: req.issuer !== undefined ? new x509.X509Certificate(req.issuer.certificate.der).subjectName : subjectName,
    notBefore: req.notBefore ?? new Date(Date.now() - BACKDATE_MS),
    notAfter: req.notAfter,
    publicKey: webPublic,
    signingKey: toWebPrivateKey(signingKey),
    signingAlgorithm: ED25519,
    extensions
  })
  return parseCertificate(new Uint8Array(cert.rawData))
}

const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign

function assertCanIssue (issuer: Issuer): void {
  if (!issuer.certificate.ca) throw new NotCaError(`${issuer.certificate.subject} is not a CA certificate`)
  if (((issuer.certificate.keyUsage ?? 0) & x509.KeyUsageFlags.keyCertSign) === 0) throw new KeyUsageError(`${issuer.certificate.subject} may not sign certificates`)
  const own = issuer.certificate.publicKey.export({ format: 'der', type: 'spki' })
  if (Buffer.compare(own, publicKeyOf(issuer.privateKey).export({ format: 'der', type: 'spki' })) !== 0) {
    throw new InvalidTrustRequestError('the issuer key does not belong to the issuer certificate', 'pass the key file written next to that certificate')
  }
}

/** A validity that ends no later than the issuer's: a child never outlives its parent. */
function validity (issuer: Issuer | undefined, days: number, now: Date): Date {
  const wanted = daysFrom(now, days)
  return issuer !== undefined && issuer.certificate.notAfter < wanted ? issuer.certificate.notAfter : wanted
}

export interface IssueOptions {
  /** @default now */
  now?: Date
  /** Validity in days from now (clamped to the issuer's notAfter). */
  validityDays?: number
}

/** A self-signed root CA. `pathLength` limits how many intermediates may follow (@default unlimited). */
export async function issueRoot (params: { subject: string, privateKey: KeyObject, pathLength?: number } & IssueOptions): Promise<TrustCertificate> {
  const now = params.now ?? new Date()
  return issueCertificate({
    subject: params.subject,
    publicKey: publicKeyOf(params.privateKey),
    selfSignKey: params.privateKey,
    notAfter: validity(undefined, params.validityDays ?? ROOT_VALIDITY_DAYS, now),
    ca: true,
    pathLength: params.pathLength,
    keyUsage: CA_USAGE
  })
}

function assertScopeWithin (scope: Scope | undefined, issuer: Issuer): void {
  const limit = issuer.certificate.scope
  if (limit !== undefined && (scope === undefined || !scopeWithin(scope, limit))) {
    throw new OutOfScopeError(`requested scope exceeds the scope of ${issuer.certificate.subject}`, 'name')
  }
}

/** An intermediate CA, optionally constrained to a scope that every certificate below it must respect. */
export async function issueIntermediate (params: { subject: string, publicKey: KeyObject, issuer: Issuer, pathLength?: number, scope?: Scope } & IssueOptions): Promise<TrustCertificate> {
  assertCanIssue(params.issuer)
  if (params.scope !== undefined || params.issuer.certificate.scope !== undefined) assertScopeWithin(params.scope, params.issuer)
  const now = params.now ?? new Date()
  return issueCertificate({
    subject: params.subject,
    publicKey: params.publicKey,
    issuer: params.issuer,
    notAfter: validity(params.issuer, params.validityDays ?? INTERMEDIATE_VALIDITY_DAYS, now),
    ca: true,
    pathLength: params.pathLength,
    keyUsage: CA_USAGE,
    scope: params.scope
  })
}

/**
 * A publisher certificate: signs package manifests within `scope`. With `postQuantumKey` it also
 * certifies an ML-DSA-65 key, and its package signatures must then be hybrid.
 */
export async function issuePublisher (params: { subject: string, publicKey: KeyObject, issuer: Issuer, scope: Scope, postQuantumKey?: Uint8Array } & IssueOptions): Promise<TrustCertificate> {
  assertCanIssue(params.issuer)
  assertScopeWithin(params.scope, params.issuer)
  const now = params.now ?? new Date()
  return issueCertificate({
    subject: params.subject,
    publicKey: params.publicKey,
    issuer: params.issuer,
    notAfter: validity(params.issuer, params.validityDays ?? PUBLISHER_VALIDITY_DAYS, now),
    ca: false,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [CODE_SIGNING_OID],
    scope: params.scope,
    postQuantumKey: params.postQuantumKey
  })
}

/** The Ed25519 public key inside a libp2p PeerId (Ed25519 PeerIds embed their key). */
export function publicKeyFromPeerId (peerId: string): KeyObject {
  let parsed
  try {
    parsed = peerIdFromString(peerId)
  } catch (cause) {
    throw new InvalidTrustRequestError(`not a PeerId: ${peerId}`, 'pass the base58 PeerId of a libp2p Ed25519 key (12D3KooW...)')
  }
  if (parsed.type !== 'Ed25519') throw new InvalidTrustRequestError(`PeerId ${peerId} is ${parsed.type}, node certificates bind Ed25519 keys`)
  return publicKeyFromRaw(parsed.publicKey.raw)
}

/** The default trust level of a node certificate. */
export const DEFAULT_NODE_LEVEL = 'member'

/**
 * A node certificate: its subject key IS the node's libp2p Ed25519 key, so only the holder of
 * that PeerId's private key can use it (the libp2p handshake proves possession).
 */
export async function issueNodeCertificate (params: { peerId: string, level?: string, issuer: Issuer } & IssueOptions): Promise<TrustCertificate> {
  assertCanIssue(params.issuer)
  const now = params.now ?? new Date()
  return issueCertificate({
    subject: params.peerId,
    publicKey: publicKeyFromPeerId(params.peerId),
    issuer: params.issuer,
    notAfter: validity(params.issuer, params.validityDays ?? NODE_VALIDITY_DAYS, now),
    ca: false,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [CLIENT_AUTH_OID, SERVER_AUTH_OID],
    node: { peerId: params.peerId, level: params.level ?? DEFAULT_NODE_LEVEL }
  })
}
