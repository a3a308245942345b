import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  generateSigningKey, issueIntermediate, issuePublisher, issueRoot, signPackage, TrustStore
} from '../../src/trust/index.ts'
import type { Envelope, Issuer, Scope, TrustCertificate } from '../../src/trust/index.ts'

/** A full root → intermediate → publisher chain with keys, made once per test file. */
export interface Pki {
  root: Issuer
  intermediate: Issuer
  publisher: Issuer
  store: TrustStore
  scope: Scope
}

export const SCOPE: Scope = { namePrefixes: ['acme.'], capabilities: ['AssetManagement', 'NetworkAccess'] }

export async function makePki (scope: Scope = SCOPE): Promise<Pki> {
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: 'Test Root', privateKey: rootKey }), privateKey: rootKey }
  const interKey = generateSigningKey()
  const intermediate = { certificate: await issueIntermediate({ subject: 'Test Intermediate', publicKey: interKey.publicKey, issuer: root, pathLength: 0 }), privateKey: interKey.privateKey }
  const pubKey = generateSigningKey()
  const publisher = { certificate: await issuePublisher({ subject: 'Acme Publisher', publicKey: pubKey.publicKey, issuer: intermediate, scope }), privateKey: pubKey.privateKey }
  return { root, intermediate, publisher, store: new TrustStore({ anchors: [root.certificate] }), scope }
}

export const MANIFEST_BYTES = new TextEncoder().encode('{"id":"acme.tool","name":"Acme Tool","required_capabilities":["NetworkAccess"],"version":"1.0.0"}')

export function signWith (pki: Pki, bytes = MANIFEST_BYTES): Envelope {
  return signPackage({ bytes, key: pki.publisher.privateKey, chain: [pki.publisher.certificate, pki.intermediate.certificate] })
}

export function chainOf (...certs: TrustCertificate[]): string[] {
  return certs.map(c => c.pem)
}

export async function newPeerId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}
