import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { x509 } from '../../src/trust/x509-lib.ts'
import {
  generateSigningKey, issueCertificate, issueIntermediate, issuePublisher, issueRevocationList, issueRoot, parseCertificate, publicKeyOf,
  TrustStore, verifyChain
} from '../../src/trust/index.ts'
import type { Issuer } from '../../src/trust/index.ts'
import { makePki, SCOPE } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

const DAY = 24 * 60 * 60 * 1000

async function newRoot (subject = 'Other Root', pathLength?: number): Promise<Issuer> {
  const privateKey = generateSigningKey().privateKey
  return { certificate: await issueRoot({ subject, privateKey, pathLength }), privateKey }
}

async function ca (subject: string, issuer: Issuer, pathLength?: number): Promise<Issuer> {
  const key = generateSigningKey()
  return { certificate: await issueIntermediate({ subject, publicKey: key.publicKey, issuer, pathLength }), privateKey: key.privateKey }
}

describe('certificate chain validation', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  it('accepts root → intermediate → publisher and returns the path leaf first', () => {
    const chain = verifyChain([pki.publisher.certificate, pki.intermediate.certificate], pki.store, new Date())
    assert.deepEqual(chain.certificates.map(c => c.fingerprint), [pki.publisher.certificate, pki.intermediate.certificate, pki.root.certificate].map(c => c.fingerprint))
    assert.match(chain.leaf.fingerprint, /^SHA256:[0-9a-f]{64}$/)
  })

  it('accepts intermediates presented in any order', () => {
    const chain = verifyChain([pki.publisher.certificate, pki.root.certificate, pki.intermediate.certificate], pki.store, new Date())
    assert.equal(chain.anchor.fingerprint, pki.root.certificate.fingerprint)
  })

  it('BadSignatureError: a certificate signed by another key under the issuer\'s name', async () => {
    const impostorKey = generateSigningKey().privateKey
    // same subject name as the real intermediate, other key: the issuer name matches, the signature does not
    const impostor = { certificate: await issueCertificate({ subject: 'Test Intermediate', publicKey: generateSigningKey().publicKey, selfSignKey: impostorKey, notAfter: new Date(Date.now() + DAY), ca: true, keyUsage: x509.KeyUsageFlags.keyCertSign }), privateKey: impostorKey }
    const forged = await issueCertificate({ subject: 'Forged', publicKey: generateSigningKey().publicKey, issuer: impostor, notAfter: new Date(Date.now() + DAY), ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature })
    assert.throws(() => verifyChain([forged, pki.intermediate.certificate], pki.store, new Date()), { name: 'BadSignatureError' })
  })

  it('UnknownRootError: a chain ending at a root the store does not trust', async () => {
    const other = await newRoot()
    const inter = await ca('Other Intermediate', other)
    assert.throws(() => verifyChain([inter.certificate, other.certificate], pki.store, new Date()), { name: 'UnknownRootError' })
    assert.throws(() => verifyChain([inter.certificate], pki.store, new Date()), { name: 'UnknownRootError' })
  })

  it('CertificateExpiredError: checked after notAfter', () => {
    const after = new Date(pki.publisher.certificate.notAfter.getTime() + 1000)
    assert.throws(() => verifyChain([pki.publisher.certificate, pki.intermediate.certificate], pki.store, after), { name: 'CertificateExpiredError' })
  })

  it('CertificateNotYetValidError: checked before notBefore', () => {
    const before = new Date(pki.publisher.certificate.notBefore.getTime() - DAY)
    assert.throws(() => verifyChain([pki.publisher.certificate, pki.intermediate.certificate], pki.store, before), { name: 'CertificateNotYetValidError' })
  })

  it('CertificateRevokedError: listed by the issuer, from the revocation time on', async () => {
    const store = new TrustStore({ anchors: [pki.root.certificate] })
    const revokedAt = new Date(Date.now() + 60_000)
    const list = await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber, revocationDate: revokedAt }] })
    store.revocations.accept(list, new Date())
    const chain = [pki.publisher.certificate, pki.intermediate.certificate]
    assert.doesNotThrow(() => verifyChain(chain, store, new Date(revokedAt.getTime() - 1000)))
    assert.throws(() => verifyChain(chain, store, new Date(revokedAt.getTime() + 1000)), { name: 'CertificateRevokedError' })
  })

  it('NotCaError: a certificate issued by a non-CA certificate', async () => {
    // the publisher (not a CA) signs a certificate directly with the low-level issuer
    const child = await issueCertificate({ subject: 'Child of a leaf', publicKey: generateSigningKey().publicKey, issuer: pki.publisher, notAfter: new Date(Date.now() + DAY), ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature, scope: SCOPE })
    assert.throws(() => verifyChain([child, pki.publisher.certificate, pki.intermediate.certificate], pki.store, new Date()), { name: 'NotCaError' })
  })

  it('NotCaError: the issuing helpers refuse a non-CA issuer up front', async () => {
    await assert.rejects(issuePublisher({ subject: 'x', publicKey: generateSigningKey().publicKey, issuer: pki.publisher, scope: SCOPE }), { name: 'NotCaError' })
  })

  it('PathTooLongError: more intermediates than an issuer\'s pathLenConstraint', async () => {
    const root = await newRoot('Short Root', 0)
    const store = new TrustStore({ anchors: [root.certificate] })
    const inter1 = await ca('Inter 1', root)
    const inter2 = await ca('Inter 2', inter1)
    const leaf = await issuePublisher({ subject: 'Deep', publicKey: generateSigningKey().publicKey, issuer: inter2, scope: SCOPE })
    // one intermediate below a pathLen-0 root is already one too many
    assert.throws(() => verifyChain([leaf, inter2.certificate, inter1.certificate], store, new Date()), { name: 'PathTooLongError' })
    // and the fixture's intermediate has pathLen 0: a CA below it is refused
    const below = await ca('Below zero', pki.intermediate)
    const leaf2 = await issuePublisher({ subject: 'Deep 2', publicKey: generateSigningKey().publicKey, issuer: below, scope: SCOPE })
    assert.throws(() => verifyChain([leaf2, below.certificate, pki.intermediate.certificate], pki.store, new Date()), { name: 'PathTooLongError' })
  })

  it('KeyUsageError: a CA certificate without keyCertSign issued the next one', async () => {
    const rootKey = generateSigningKey().privateKey
    const realRoot = { certificate: await issueCertificate({ subject: 'CRL-only Root', publicKey: publicKeyOf(rootKey), selfSignKey: rootKey, notAfter: new Date(Date.now() + DAY), ca: true, keyUsage: x509.KeyUsageFlags.cRLSign }), privateKey: rootKey }
    const store = new TrustStore({ anchors: [realRoot.certificate] })
    const leaf = await issueCertificate({ subject: 'Leaf', publicKey: generateSigningKey().publicKey, issuer: realRoot, notAfter: new Date(Date.now() + DAY), ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature })
    assert.throws(() => verifyChain([leaf], store, new Date()), { name: 'KeyUsageError' })
  })

  it('parses what it issued: CA flag, path length, scope, fingerprint of the DER', () => {
    const again = parseCertificate(pki.intermediate.certificate.pem)
    assert.equal(again.ca, true)
    assert.equal(again.pathLength, 0)
    assert.deepEqual(parseCertificate(pki.publisher.certificate.der).scope, SCOPE)
    assert.equal(parseCertificate(pki.publisher.certificate.pem).role, 'publisher')
  })

  it('MalformedTrustDataError: garbage and non-Ed25519 input', () => {
    assert.throws(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), { name: 'MalformedTrustDataError' })
    assert.throws(() => parseCertificate('no pem here'), { name: 'MalformedTrustDataError' })
  })
})
