import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  generateSigningKey, issueIntermediate, issueNodeCertificate, issuePublisher, signPackage, TrustStore, verifyPackageSignature
} from '../../src/trust/index.ts'
import type { Envelope } from '../../src/trust/index.ts'
import { makePki, MANIFEST_BYTES, newPeerId, signWith } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

describe('package signatures', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  const verify = (envelope: unknown, overrides: Partial<Parameters<typeof verifyPackageSignature>[0]> = {}) =>
    verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: ['NetworkAccess'], envelope, trustStore: pki.store, ...overrides })

  it('verifies a manifest signed by an in-scope publisher and returns the chain used', () => {
    const result = verify(signWith(pki))
    assert.deepEqual(result.certificates.map(c => c.subject), ['CN=Acme Publisher', 'CN=Test Intermediate', 'CN=Test Root'])
    assert.equal(result.fingerprint, pki.publisher.certificate.fingerprint)
  })

  it('accepts the envelope as JSON text and pins the manifest\'s certificate_fingerprint', () => {
    const envelope = JSON.stringify(signWith(pki))
    assert.equal(verify(envelope, { fingerprint: pki.publisher.certificate.fingerprint }).leaf.subject, 'CN=Acme Publisher')
    assert.throws(() => verify(envelope, { fingerprint: pki.intermediate.certificate.fingerprint }), { name: 'BadSignatureError' })
  })

  it('BadSignatureError: the signature does not match the payload', () => {
    const envelope = signWith(pki)
    const other = signWith(pki, new TextEncoder().encode('{"id":"acme.other"}'))
    const swapped: Envelope = { ...envelope, signatures: [{ ...envelope.signatures[0], sig: other.signatures[0].sig }] }
    assert.throws(() => verify(swapped), { name: 'BadSignatureError' })
  })

  it('BadSignatureError: a signature for another payload type is not a manifest signature', () => {
    const envelope = signPackage({ bytes: MANIFEST_BYTES, key: pki.publisher.privateKey, chain: [pki.publisher.certificate, pki.intermediate.certificate], payloadType: 'application/vnd.hypermesh.record+json' })
    assert.throws(() => verify(envelope), { name: 'BadSignatureError' })
    assert.throws(() => verify({ ...envelope, payloadType: 'application/vnd.hypermesh.manifest+json' }), { name: 'BadSignatureError' })
  })

  it('DigestMismatchError: the envelope signs other bytes than the manifest at hand', () => {
    assert.throws(() => verify(signWith(pki), { bytes: new TextEncoder().encode('{"id":"acme.tool","version":"9.9.9"}') }), { name: 'DigestMismatchError' })
  })

  it('OutOfScopeError (name): a name outside the publisher\'s prefixes', () => {
    assert.throws(() => verify(signWith(pki), { name: 'evil.tool' }), (err: any) => err.name === 'OutOfScopeError' && err.kind === 'name')
  })

  it('OutOfScopeError (capability): a capability the publisher may not grant', () => {
    assert.throws(() => verify(signWith(pki), { capabilities: ['NetworkAccess', 'VMExecution'] }), (err: any) => err.name === 'OutOfScopeError' && err.kind === 'capability')
  })

  it('OutOfScopeError: a scope constraint on an intermediate binds publishers below it', async () => {
    const key = generateSigningKey()
    const narrow = { certificate: await issueIntermediate({ subject: 'Narrow CA', publicKey: key.publicKey, issuer: pki.root, scope: { namePrefixes: ['acme.'], capabilities: ['NetworkAccess'] } }), privateKey: key.privateKey }
    await assert.rejects(issuePublisher({ subject: 'Too wide', publicKey: generateSigningKey().publicKey, issuer: narrow, scope: { namePrefixes: [''], capabilities: [] } }), { name: 'OutOfScopeError' })
    const pub = generateSigningKey()
    const publisher = await issuePublisher({ subject: 'Narrow Pub', publicKey: pub.publicKey, issuer: narrow, scope: { namePrefixes: ['acme.'], capabilities: ['NetworkAccess'] } })
    const envelope = signPackage({ bytes: MANIFEST_BYTES, key: pub.privateKey, chain: [publisher, narrow.certificate] })
    assert.equal(verify(envelope).leaf.subject, 'CN=Narrow Pub')
  })

  it('KeyUsageError: a CA key or a node key cannot sign packages', async () => {
    const asCa: Envelope = { ...signWith(pki), signatures: [] }
    const caSigned = signPackage({ bytes: MANIFEST_BYTES, key: pki.publisher.privateKey, chain: [pki.publisher.certificate] })
    asCa.signatures = [{ ...caSigned.signatures[0], keyid: pki.intermediate.certificate.fingerprint, chain: [pki.intermediate.certificate.pem] }]
    assert.throws(() => verify(asCa), { name: 'KeyUsageError' })
    assert.throws(() => signPackage({ bytes: MANIFEST_BYTES, key: pki.intermediate.privateKey, chain: [pki.intermediate.certificate] }), { name: 'KeyUsageError' })
    const nodeCert = await issueNodeCertificate({ peerId: await newPeerId(), issuer: pki.intermediate })
    const forged: Envelope = { ...caSigned, signatures: [{ ...caSigned.signatures[0], keyid: nodeCert.fingerprint, chain: [nodeCert.pem, pki.intermediate.certificate.pem] }] }
    assert.throws(() => verify(forged), { name: 'KeyUsageError' })
  })

  it('UnknownRootError: a valid signature under a root the node does not trust', () => {
    assert.throws(() => verify(signWith(pki), { trustStore: new TrustStore() }), { name: 'UnknownRootError' })
  })

  it('refuses to sign with a key that is not the certificate\'s', () => {
    assert.throws(() => signPackage({ bytes: MANIFEST_BYTES, key: generateSigningKey().privateKey, chain: [pki.publisher.certificate] }), { name: 'InvalidTrustRequestError' })
  })

  it('accepts when one of several signatures is valid, and reports the first failure when none is', () => {
    const good = signWith(pki)
    const bad = { ...good.signatures[0], sig: Buffer.alloc(64).toString('base64') }
    assert.equal(verify({ ...good, signatures: [bad, good.signatures[0]] }).fingerprint, pki.publisher.certificate.fingerprint)
    assert.throws(() => verify({ ...good, signatures: [bad, bad] }), { name: 'BadSignatureError' })
  })
})
