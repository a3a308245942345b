import { verify } from 'node:crypto'
import { ED25519, x509 } from './x509-lib.ts'
import { derToPem, normalizeSerial } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import type { Issuer } from './issue.ts'
import { assertSignedFrame, decodeInteger, encodeInteger } from './der.ts'
import { hasKeyUsage } from './chain.ts'
import {
  BadSignatureError, ExpiredMetadataError, InvalidTrustRequestError, KeyUsageError, MalformedTrustDataError, NotCaError, RollbackError
} from './errors.ts'

/**
 * Revocation lists are X.509 v2 CRLs (RFC 5280 §5) signed by the issuing CA: `openssl crl`
 * reads them, the CRL Number extension is the version that only moves forward, and nextUpdate
 * is the freeze bound. A node keeps the newest list per issuer.
 */

/** id-ce-cRLNumber. */
export const CRL_NUMBER_OID = '2.5.29.20'
/** OpenSSL reads only this PEM label for CRLs (@peculiar/x509 writes plain `CRL`). */
export const CRL_PEM_LABEL = 'X509 CRL'
/** Largest revocation list we parse: about 40 bytes per entry leaves room for 100k entries. */
export const MAX_REVOCATION_LIST_BYTES = 4 * 1024 * 1024
/** A list is republished at least weekly, so a withheld list goes stale within a week. */
export const REVOCATION_LIST_VALIDITY_DAYS = 7
const DAY_MS = 24 * 60 * 60 * 1000

export interface RevocationEntry {
  /** Hex serial number of the revoked certificate. */
  serialNumber: string
  /** @default now */
  revocationDate?: Date
  /** RFC 5280 reason code. @default 'keyCompromise' (assume the worst) */
  reason?: RevocationReason
}

/** The reason codes the CLI offers (RFC 5280 §5.3.1; `unspecified` is left out, see issueRevocationList). */
export const REVOCATION_REASONS = ['keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const
export type RevocationReason = typeof REVOCATION_REASONS[number]

/** A verified revocation list. */
export interface RevocationList {
  der: Uint8Array
  pem: string
  issuerFingerprint: string
  /** CRL Number: the version; a node never accepts a lower one. */
  number: bigint
  thisUpdate: Date
  nextUpdate: Date
  /** Serial number → revocation time. */
  entries: Map<string, Date>
}

/** Signs a revocation list as `issuer`. `number` must exceed every earlier list's number. */
export async function issueRevocationList (params: {
  issuer: Issuer
  number: bigint
  entries: RevocationEntry[]
  thisUpdate?: Date
  nextUpdate?: Date
}): Promise<RevocationList> {
  const { certificate } = params.issuer
  if (!certificate.ca) throw new NotCaError(`${certificate.subject} is not a CA and cannot revoke`)
  const thisUpdate = params.thisUpdate ?? new Date()
  const nextUpdate = params.nextUpdate ?? new Date(thisUpdate.getTime() + REVOCATION_LIST_VALIDITY_DAYS * DAY_MS)
  if (nextUpdate <= thisUpdate) throw new InvalidTrustRequestError('nextUpdate must lie after thisUpdate')
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(certificate.der).subjectName,
    thisUpdate,
    nextUpdate,
    // always a non-`unspecified` reason: without one @peculiar/x509 writes an empty entry
    // extension list, which is invalid DER that OpenSSL refuses
    entries: params.entries.map(e => ({
      serialNumber: normalizeSerial(e.serialNumber).padStart(2, '0'),
      revocationDate: e.revocationDate ?? thisUpdate,
      reason: x509.X509CrlReason[e.reason ?? 'keyCompromise']
    })),
    signingKey: params.issuer.privateKey.toCryptoKey(ED25519, false, ['sign']),
    signingAlgorithm: ED25519,
    extensions: [new x509.Extension(CRL_NUMBER_OID, false, encodeInteger(params.number))]
  })
  return parseRevocationList(new Uint8Array(crl.rawData), certificate)
}

export function revocationListToPem (der: Uint8Array): string {
  return derToPem(der, CRL_PEM_LABEL)
}

function crlDer (input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') return input
  const m = /-----BEGIN (?:X509 )?CRL-----([\s\S]*?)-----END (?:X509 )?CRL-----/.exec(input)
  if (m === null) throw new MalformedTrustDataError('no PEM revocation list found')
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'))
}

/** Parses and verifies a revocation list against the certificate of its issuer. */
export function parseRevocationList (input: string | Uint8Array, issuer: TrustCertificate): RevocationList {
  const der = crlDer(input)
  if (der.length > MAX_REVOCATION_LIST_BYTES) throw new MalformedTrustDataError(`revocation list of ${der.length} bytes exceeds ${MAX_REVOCATION_LIST_BYTES}`)
  let entries: Map<string, Date>
  assertSignedFrame(der, MAX_REVOCATION_LIST_BYTES)
  let numberExt: x509.Extension | undefined
  let nextUpdate: Date | undefined
  let thisUpdate: Date
  let tbs: Uint8Array
  let signature: Uint8Array
  let issuerName: string
  try {
    const crl = new x509.X509Crl(der)
    if (Buffer.compare(Buffer.from(crl.rawData), Buffer.from(der)) !== 0) throw new Error('trailing bytes')
    if ((crl.signatureAlgorithm as { name?: string }).name !== 'Ed25519') throw new Error('not signed with Ed25519')
    entries = new Map(crl.entries.map(e => [normalizeSerial(e.serialNumber), e.revocationDate]))
    numberExt = crl.extensions.find(e => e.type === CRL_NUMBER_OID)
    nextUpdate = crl.nextUpdate
    thisUpdate = crl.thisUpdate
    // tbs is public at run time but private in the typings
    tbs = new Uint8Array((crl as unknown as { tbs: ArrayBuffer }).tbs)
    signature = new Uint8Array(crl.signature)
    issuerName = crl.issuer
  } catch (cause) {
    if (cause instanceof MalformedTrustDataError) throw cause
    throw new MalformedTrustDataError('not an X.509 revocation list', { cause })
  }
  if (!verify(null, tbs, issuer.publicKey, signature)) throw new BadSignatureError(`revocation list is not signed by ${issuer.subject}`)
  if (issuerName !== new x509.X509Certificate(issuer.der).subject) throw new BadSignatureError(`revocation list names issuer ${issuerName}, not ${issuer.subject}`)
  if (!issuer.ca) throw new NotCaError(`${issuer.subject} is not a CA`)
  if (!hasKeyUsage(issuer, x509.KeyUsageFlags.cRLSign)) throw new KeyUsageError(`${issuer.subject} lacks cRLSign`)
  if (numberExt === undefined) throw new MalformedTrustDataError('revocation list has no CRL Number')
  if (nextUpdate === undefined) throw new MalformedTrustDataError('revocation list has no nextUpdate')
  return {
    der,
    pem: revocationListToPem(der),
    issuerFingerprint: issuer.fingerprint,
    number: decodeInteger(new Uint8Array(numberExt.value)),
    thisUpdate,
    nextUpdate,
    entries
  }
}

/**
 * The newest revocation list seen per issuer. Accepting an older list (rollback) or a stale one
 * (freeze) throws; an identical copy of the current list is a no-op.
 */
export class RevocationStore {
  private readonly lists = new Map<string, RevocationList>()

  get (issuerFingerprint: string): RevocationList | undefined {
    return this.lists.get(issuerFingerprint)
  }

  all (): RevocationList[] {
    return [...this.lists.values()]
  }

  /** Returns true when the list replaced an older one, false when it was already current. */
  accept (list: RevocationList, at: Date): boolean {
    if (list.nextUpdate < at) throw new ExpiredMetadataError(`revocation list ${list.number} of ${list.issuerFingerprint} was due for renewal at ${list.nextUpdate.toISOString()}`)
    const current = this.lists.get(list.issuerFingerprint)
    if (current !== undefined) {
      if (list.number < current.number) throw new RollbackError(`revocation list ${list.number} is older than ${current.number}`)
      if (list.number === current.number) {
        if (Buffer.compare(Buffer.from(list.der), Buffer.from(current.der)) === 0) return false
        throw new RollbackError(`revocation list ${list.number} differs from the list with the same number already held`)
      }
    }
    this.lists.set(list.issuerFingerprint, list)
    return true
  }
}
