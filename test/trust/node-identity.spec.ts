import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { issueNodeCertificate, parseCertificate, verifyNodeCertificate } from '../../src/trust/index.ts'
import { chainOf, makePki, newPeerId } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

describe('node certificates', () => {
  let pki: Pki
  let peerId: string
  before(async () => {
    pki = await makePki()
    peerId = await newPeerId()
  })

  it('binds the PeerId\'s own Ed25519 key and a trust level to the chain', async () => {
    const cert = await issueNodeCertificate({ peerId, level: 'validator', issuer: pki.intermediate })
    assert.equal(parseCertificate(cert.pem).role, 'node')
    const result = verifyNodeCertificate({ peerId, chain: chainOf(cert, pki.intermediate.certificate), trustStore: pki.store })
    assert.equal(result.level, 'validator')
    assert.equal(result.anchor.fingerprint, pki.root.certificate.fingerprint)
    assert.equal(verifyNodeCertificate({ peerId, chain: chainOf(cert, pki.intermediate.certificate), trustStore: pki.store, levels: ['validator'] }).peerId, peerId)
  })

  it('NodeIdentityMismatchError: a certificate presented for another peer', async () => {
    const cert = await issueNodeCertificate({ peerId, issuer: pki.intermediate })
    const other = await newPeerId()
    assert.throws(() => verifyNodeCertificate({ peerId: other, chain: chainOf(cert, pki.intermediate.certificate), trustStore: pki.store }), { name: 'NodeIdentityMismatchError' })
  })

  it('KeyUsageError: a publisher certificate is not a node certificate; levels are enforced', async () => {
    assert.throws(() => verifyNodeCertificate({ peerId, chain: chainOf(pki.publisher.certificate, pki.intermediate.certificate), trustStore: pki.store }), { name: 'KeyUsageError' })
    const cert = await issueNodeCertificate({ peerId, issuer: pki.intermediate })
    assert.throws(() => verifyNodeCertificate({ peerId, chain: chainOf(cert, pki.intermediate.certificate), trustStore: pki.store, levels: ['validator'] }), { name: 'KeyUsageError' })
  })

  it('CertificateExpiredError: node certificates are short-lived', async () => {
    const cert = await issueNodeCertificate({ peerId, issuer: pki.intermediate, validityDays: 1 })
    const later = new Date(Date.now() + 2 * 86400_000)
    assert.throws(() => verifyNodeCertificate({ peerId, chain: chainOf(cert, pki.intermediate.certificate), trustStore: pki.store, at: later }), { name: 'CertificateExpiredError' })
  })

  it('InvalidTrustRequestError: only Ed25519 PeerIds can be bound', async () => {
    await assert.rejects(issueNodeCertificate({ peerId: 'QmNotAPeerId', issuer: pki.intermediate }), { name: 'InvalidTrustRequestError' })
  })
})
