import { parseCertificate } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import type { ChainContext } from './chain.ts'
import { RevocationStore } from './revocation.ts'
import type { RevocationList } from './revocation.ts'
import { InvalidTrustRequestError } from './errors.ts'
import type { MeshRoot } from './mesh-root.ts'

/**
 * The anchors a node trusts and the newest revocation lists it holds. Anchors come from the
 * mesh trust root (replaced as a whole when the root rotates) plus any added by hand.
 * Pure: src/trust/store-file.ts loads and saves it in the data dir.
 */
export class TrustStore implements ChainContext {
  readonly revocations = new RevocationStore()
  private readonly extra = new Map<string, TrustCertificate>()
  private meshAnchors = new Map<string, TrustCertificate>()
  private bySubject = new Map<string, TrustCertificate[]>()
  private root?: MeshRoot
  /**
   * Called with every issuer whose revocation list a chain check consults: the mesh layer learns
   * the intermediates in use this way and pulls their lists (see src/daemon/revocations.ts).
   */
  onIssuerChecked?: (issuerFingerprint: string) => void

  constructor (init: { anchors?: Array<string | Uint8Array | TrustCertificate>, meshRoot?: MeshRoot } = {}) {
    for (const anchor of init.anchors ?? []) this.addAnchor(anchor)
    if (init.meshRoot !== undefined) this.setMeshRoot(init.meshRoot)
  }

  /** Trusts one more root CA certificate directly (outside the mesh root). */
  addAnchor (anchor: string | Uint8Array | TrustCertificate): TrustCertificate {
    const cert = typeof anchor === 'object' && 'fingerprint' in anchor ? anchor : parseCertificate(anchor)
    if (!cert.ca) throw new InvalidTrustRequestError(`${cert.subject} is not a CA certificate and cannot be an anchor`)
    this.extra.set(cert.fingerprint, cert)
    this.reindex()
    return cert
  }

  /**
   * Installs an already verified mesh root (see `updateMeshRoot` in mesh-root.ts for the
   * rotation rules); its anchors replace those of the previous mesh root.
   */
  setMeshRoot (root: MeshRoot): void {
    this.root = root
    this.meshAnchors = new Map(root.signed.anchors.map((pem: string) => {
      const cert = parseCertificate(pem)
      return [cert.fingerprint, cert]
    }))
    this.reindex()
  }

  get meshRoot (): MeshRoot | undefined {
    return this.root
  }

  anchors (): TrustCertificate[] {
    return [...new Map([...this.meshAnchors, ...this.extra]).values()]
  }

  isAnchor (fingerprint: string): boolean {
    return this.meshAnchors.has(fingerprint) || this.extra.has(fingerprint)
  }

  anchorsBySubject (subject: string): readonly TrustCertificate[] {
    return this.bySubject.get(subject) ?? []
  }

  revocationList (issuerFingerprint: string): RevocationList | undefined {
    this.onIssuerChecked?.(issuerFingerprint)
    return this.revocations.get(issuerFingerprint)
  }

  private reindex (): void {
    this.bySubject = new Map()
    for (const cert of this.anchors()) {
      const list = this.bySubject.get(cert.subject) ?? []
      list.push(cert)
      this.bySubject.set(cert.subject, list)
    }
  }
}
