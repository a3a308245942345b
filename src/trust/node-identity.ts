import { x509 } from './x509-lib.ts'
import { parseCertificate } from './certificate.ts'
import { hasKeyUsage, verifyChain } from './chain.ts'
import type { ChainContext, VerifiedChain } from './chain.ts'
import { publicKeyFromPeerId } from './issue.ts'
import { rawPublicKey } from './keys.ts'
import { KeyUsageError, NodeIdentityMismatchError } from './errors.ts'

export interface VerifiedNodeCertificate extends VerifiedChain {
  peerId: string
  /** The trust level the issuer granted. */
  level: string
}

/**
 * "This PeerId holds a valid node certificate under our anchors." `chain` is the node
 * certificate first, then intermediates (PEM). The certificate's key must be the PeerId's own
 * Ed25519 key, so the check is only meaningful together with the libp2p handshake, which
 * proves the remote peer holds that key. `levels`, when given, lists the acceptable trust levels.
 */
export function verifyNodeCertificate (params: {
  peerId: string
  chain: string[]
  trustStore: ChainContext
  /** @default now */
  at?: Date
  levels?: readonly string[]
}): VerifiedNodeCertificate {
  const presented = params.chain.map(pem => parseCertificate(pem))
  const leaf = presented[0]
  if (leaf === undefined) throw new NodeIdentityMismatchError('no node certificate presented')
  const verified = verifyChain(presented, params.trustStore, params.at ?? new Date())
  if (leaf.node === undefined || leaf.ca) throw new KeyUsageError(`${leaf.subject} is not a node certificate`)
  if (!hasKeyUsage(leaf, x509.KeyUsageFlags.digitalSignature)) throw new KeyUsageError(`${leaf.subject} lacks the digitalSignature key usage`)
  const expected = rawPublicKey(publicKeyFromPeerId(params.peerId))
  if (leaf.node.peerId !== params.peerId || Buffer.compare(Buffer.from(rawPublicKey(leaf.publicKey)), Buffer.from(expected)) !== 0) {
    throw new NodeIdentityMismatchError(`the node certificate is for ${leaf.node.peerId}, not ${params.peerId}`)
  }
  if (params.levels !== undefined && !params.levels.includes(leaf.node.level)) {
    throw new KeyUsageError(`node ${params.peerId} has trust level ${leaf.node.level}, one of ${params.levels.join(', ')} is required`)
  }
  return { ...verified, peerId: params.peerId, level: leaf.node.level }
}
