import { X509Certificate } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { x509 } from './x509-lib.ts'
import { fingerprint } from './fingerprint.ts'
import { CODE_SIGNING_OID, decodeNodeBinding, decodePostQuantumKey, decodeScope, NODE_OID, PQ_KEY_OID, SCOPE_OID } from './extensions.ts'
import { ML_DSA_65_PUBLIC_KEY_LENGTH } from './post-quantum.ts'
import type { NodeBinding, Scope } from './extensions.ts'
import { MalformedTrustDataError } from './errors.ts'
import { assertSignedFrame } from './der.ts'
import { HyperMeshError } from '../util/errors.ts'

/**
 * A parsed, checked-for-shape certificate: the fields trust decisions read, extracted once.
 * node:crypto parses and verifies (fast, OpenSSL); @peculiar/x509 reads the extensions node does
 * not expose (pathLenConstraint, keyUsage bits, our private extensions).
 */
export interface TrustCertificate {
  der: Uint8Array
  pem: string
  /** `SHA256:<hex>` of `der`. */
  fingerprint: string
  /** Lowercase hex without leading zeros, as revocation lists name it. */
  serialNumber: string
  subject: string
  issuer: string
  notBefore: Date
  notAfter: Date
  ca: boolean
  /** basicConstraints pathLenConstraint, when the certificate sets one. */
  pathLength?: number
  /** keyUsage bits (x509.KeyUsageFlags), or undefined when the extension is absent. */
  keyUsage?: number
  extendedKeyUsage: string[]
  scope?: Scope
  node?: NodeBinding
  /** ML-DSA-65 public key certified for hybrid package signatures. */
  postQuantumKey?: Uint8Array
  role: CertificateRole
  publicKey: KeyObject
  native: X509Certificate
}

export type CertificateRole = 'ca' | 'publisher' | 'node' | 'other'

/** Largest certificate we parse: ours are under 1 KiB; the bound stops memory abuse. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024
/** Parsed certificates kept, keyed by fingerprint: enough for every chain a node meets at once. */
const PARSE_CACHE_SIZE = 1024

/** Extensions we understand; any other critical extension makes the certificate unusable (RFC 5280 §4.2). */
const KNOWN_CRITICAL = new Set(['2.5.29.19', '2.5.29.15', '2.5.29.37', '2.5.29.17', SCOPE_OID, NODE_OID])

const cache = new Map<string, TrustCertificate>()

/** Splits a PEM bundle into DER certificates (other PEM blocks are ignored). */
export function pemToDerList (pem: string): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    out.push(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')))
  }
  return out
}

export function derToPem (der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`
}

export function normalizeSerial (hex: string): string {
  const s = hex.toLowerCase().replace(/^0+/, '')
  return s === '' ? '0' : s
}

/** Parses one certificate (PEM text or DER), or throws MalformedTrustDataError. Cached by fingerprint. */
export function parseCertificate (input: string | Uint8Array): TrustCertificate {
  let der: Uint8Array
  if (typeof input === 'string') {
    const list = pemToDerList(input)
    if (list.length !== 1) throw new MalformedTrustDataError(`expected one PEM certificate, found ${list.length}`)
    der = list[0]
  } else {
    der = input
  }
  if (der.length > MAX_CERTIFICATE_BYTES) throw new MalformedTrustDataError(`certificate of ${der.length} bytes exceeds ${MAX_CERTIFICATE_BYTES}`)
  const fp = fingerprint(der)
  const hit = cache.get(fp)
  if (hit !== undefined) return hit
  let parsed: TrustCertificate
  try {
    parsed = parseUncached(der, fp)
  } catch (cause) {
    // the ASN.1 layer throws plain errors from lazy getters too; callers get one named error
    if (cause instanceof HyperMeshError) throw cause
    throw new MalformedTrustDataError('not a well-formed X.509 certificate', { cause })
  }
  if (cache.size >= PARSE_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
  cache.set(fp, parsed)
  return parsed
}

function parseUncached (der: Uint8Array, fp: string): TrustCertificate {
  assertSignedFrame(der, MAX_CERTIFICATE_BYTES)
  const native = new X509Certificate(der)
  const cert = new x509.X509Certificate(der)
  // a re-encoding that differs from the input would mean the two parsers disagree on the bytes
  if (Buffer.compare(Buffer.from(native.raw), Buffer.from(der)) !== 0) throw new MalformedTrustDataError('certificate has trailing or non-DER bytes')
  if (native.publicKey.asymmetricKeyType !== 'ed25519') throw new MalformedTrustDataError(`certificate key is ${native.publicKey.asymmetricKeyType}, expected Ed25519`)
  if ((cert.signatureAlgorithm as { name?: string }).name !== 'Ed25519') throw new MalformedTrustDataError('certificate is not signed with Ed25519')

  let ca = false
  let pathLength: number | undefined
  let keyUsage: number | undefined
  let extendedKeyUsage: string[] = []
  let scope: Scope | undefined
  let node: NodeBinding | undefined
  let postQuantumKey: Uint8Array | undefined
  const seen = new Set<string>()
  for (const ext of cert.extensions) {
    if (seen.has(ext.type)) throw new MalformedTrustDataError(`duplicate extension ${ext.type}`)
    seen.add(ext.type)
    if (ext.critical && !KNOWN_CRITICAL.has(ext.type)) throw new MalformedTrustDataError(`unsupported critical extension ${ext.type}`)
    if (ext instanceof x509.BasicConstraintsExtension) {
      ca = ext.ca
      pathLength = ext.pathLength
    } else if (ext instanceof x509.KeyUsagesExtension) {
      keyUsage = ext.usages
    } else if (ext instanceof x509.ExtendedKeyUsageExtension) {
      extendedKeyUsage = ext.usages.map(String)
    } else if (ext.type === SCOPE_OID) {
      scope = decodeScope(new Uint8Array(ext.value))
    } else if (ext.type === NODE_OID) {
      node = decodeNodeBinding(new Uint8Array(ext.value))
    } else if (ext.type === PQ_KEY_OID) {
      postQuantumKey = decodePostQuantumKey(new Uint8Array(ext.value), ML_DSA_65_PUBLIC_KEY_LENGTH)
    }
  }
  if (pathLength !== undefined && !ca) throw new MalformedTrustDataError('pathLenConstraint on a non-CA certificate')
  const role: CertificateRole = ca
    ? 'ca'
    : node !== undefined
      ? 'node'
      : scope !== undefined && extendedKeyUsage.includes(CODE_SIGNING_OID) ? 'publisher' : 'other'
  return {
    der,
    pem: derToPem(der),
    fingerprint: fp,
    serialNumber: normalizeSerial(cert.serialNumber),
    subject: native.subject,
    issuer: native.issuer,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    ca,
    pathLength,
    keyUsage,
    extendedKeyUsage,
    scope,
    node,
    postQuantumKey,
    role,
    publicKey: native.publicKey,
    native
  }
}

/** True when `pem` is exactly one certificate in the spelling derToPem writes (64-column base64, LF). */
export function isCanonicalPem (pem: string): boolean {
  const list = pemToDerList(pem)
  return list.length === 1 && derToPem(list[0]) === pem
}

/** Parses every certificate of a PEM bundle, leaf first as written. */
export function parseCertificateBundle (pem: string): TrustCertificate[] {
  return pemToDerList(pem).map(der => parseCertificate(der))
}
