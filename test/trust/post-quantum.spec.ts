import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  generatePostQuantumKey, generateSigningKey, issuePublisher, ML_DSA_65_PUBLIC_KEY_LENGTH, parseCertificate, signPackage,
  verifyPackageSignature
} from '../../src/trust/index.ts'
import type { Envelope, PostQuantumKey, TrustCertificate } from '../../src/trust/index.ts'
import { makePki, MANIFEST_BYTES, SCOPE } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

describe('hybrid Ed25519 + ML-DSA-65 package signatures', () => {
  let pki: Pki
  let pq: PostQuantumKey
  let publisher: TrustCertificate
  let key: ReturnType<typeof generateSigningKey>
  let envelope: Envelope
  before(async () => {
    pki = await makePki()
    pq = generatePostQuantumKey()
    key = generateSigningKey()
    publisher = await issuePublisher({ subject: 'Hybrid Publisher', publicKey: key.publicKey, issuer: pki.intermediate, scope: SCOPE, postQuantumKey: pq.publicKey })
    envelope = signPackage({ bytes: MANIFEST_BYTES, key: key.privateKey, chain: [publisher, pki.intermediate.certificate], postQuantumKey: pq })
  })
  const verify = (e: unknown) => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: [], envelope: e, trustStore: pki.store })

  it('the certificate carries the ML-DSA-65 key and both halves verify', () => {
    assert.equal(parseCertificate(publisher.pem).postQuantumKey?.length, ML_DSA_65_PUBLIC_KEY_LENGTH)
    assert.equal(envelope.signatures[0].pq?.alg, 'ML-DSA-65')
    assert.equal(verify(JSON.stringify(envelope)).fingerprint, publisher.fingerprint)
  })

  it('BadSignatureError: the post-quantum half stripped, altered, or added where none is certified', () => {
    const { pq: _dropped, ...classical } = envelope.signatures[0]
    assert.throws(() => verify({ ...envelope, signatures: [classical] }), { name: 'BadSignatureError' })
    const sig = Buffer.from(envelope.signatures[0].pq!.sig, 'base64')
    sig[100] ^= 1
    assert.throws(() => verify({ ...envelope, signatures: [{ ...envelope.signatures[0], pq: { alg: 'ML-DSA-65', sig: sig.toString('base64') } }] }), { name: 'BadSignatureError' })
    const plain = signPackage({ bytes: MANIFEST_BYTES, key: pki.publisher.privateKey, chain: [pki.publisher.certificate, pki.intermediate.certificate] })
    assert.throws(() => verify({ ...plain, signatures: [{ ...plain.signatures[0], pq: envelope.signatures[0].pq }] }), { name: 'BadSignatureError' })
  })

  it('a certificate with a post-quantum key refuses classical-only signing', () => {
    assert.throws(() => signPackage({ bytes: MANIFEST_BYTES, key: key.privateKey, chain: [publisher] }), { name: 'InvalidTrustRequestError' })
    assert.throws(() => signPackage({ bytes: MANIFEST_BYTES, key: key.privateKey, chain: [publisher], postQuantumKey: generatePostQuantumKey() }), { name: 'InvalidTrustRequestError' })
  })
})
