import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkDigestBinding, checkNotExpired, checkRecord, checkSoftwareBinding, checkWithinSize, createMeshRoot, generateSigningKey,
  HighWaterMarks, issueRoot, limitToSignedSize, signPackage, TrustStore, updateMeshRoot, verifyPackageSignature
} from '../../src/trust/index.ts'
import { makePki, MANIFEST_BYTES, newPeerId, signWith } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

/** One test per TUF attack listed in protocols/trust/SPEC.md; each attack must fail. */
describe('update-attack defences (TUF attacks)', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  const record = { name: 'acme.tool', version: '1.2.0', sequence: 3, digest: 'bagaaaA', expires: new Date(Date.now() + 3600_000) }

  it('arbitrary installation: an untrusted signer and an out-of-scope signer are refused', async () => {
    const rogue = await makePki()
    const envelope = signWith(rogue)
    assert.throws(() => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: [], envelope, trustStore: pki.store }), { name: 'UnknownRootError' })
    assert.throws(() => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'core.runtime', capabilities: [], envelope: signWith(pki), trustStore: pki.store }), { name: 'OutOfScopeError' })
  })

  it('rollback: a version or sequence older than the newest seen is refused', () => {
    const seen = new HighWaterMarks()
    checkRecord({ record, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen })
    assert.throws(() => checkRecord({ record: { ...record, version: '1.1.9' }, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen }), { name: 'RollbackError' })
    assert.throws(() => checkRecord({ record: { ...record, sequence: 2 }, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen }), { name: 'RollbackError' })
    // the same record again is a re-fetch, not a rollback; a newer one moves the mark
    checkRecord({ record, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen })
    checkRecord({ record: { ...record, version: '1.3.0', sequence: 1 }, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen })
    assert.equal(seen.get('version:acme.tool'), '1.3.0')
    // marks survive a restart through their JSON form
    assert.throws(() => new HighWaterMarks(JSON.parse(JSON.stringify(seen))).check('version:acme.tool', '1.2.0'), { name: 'RollbackError' })
  })

  it('indefinite freeze: an expired record is refused', () => {
    assert.throws(() => checkRecord({ record: { ...record, expires: new Date(Date.now() - 1000) }, manifestDigest: record.digest, requested: { name: 'acme.tool' }, seen: new HighWaterMarks() }), { name: 'ExpiredMetadataError' })
    assert.throws(() => checkNotExpired('not a date'), { name: 'ExpiredMetadataError' })
  })

  it('endless data: more bytes than the signed size are refused before they are passed on', async () => {
    assert.throws(() => checkWithinSize(1025, 1024), { name: 'SizeLimitExceededError' })
    checkWithinSize(1024, 1024)
    async function * endless (): AsyncGenerator<Uint8Array> { for (;;) yield new Uint8Array(100) }
    let passed = 0
    await assert.rejects((async () => { for await (const chunk of limitToSignedSize(endless(), 1000)) passed += chunk.length })(), { name: 'SizeLimitExceededError' })
    assert.equal(passed, 1000)
  })

  it('mix-and-match: a record naming another manifest digest is refused', () => {
    assert.throws(() => checkDigestBinding('bagaaaA', 'bagaaaB'), { name: 'DigestMismatchError' })
    assert.throws(() => checkRecord({ record, manifestDigest: 'bagaaaOther', requested: { name: 'acme.tool' }, seen: new HighWaterMarks() }), { name: 'DigestMismatchError' })
    // and a signature binds its exact manifest bytes
    assert.throws(() => verifyPackageSignature({ bytes: new TextEncoder().encode('{}'), name: 'acme.tool', capabilities: [], envelope: signWith(pki), trustStore: pki.store }), { name: 'DigestMismatchError' })
  })

  it('wrong software installation: another name or version than requested is refused', () => {
    assert.throws(() => checkSoftwareBinding(record, { name: 'acme.other' }), { name: 'WrongSoftwareError' })
    assert.throws(() => checkSoftwareBinding(record, { name: 'acme.tool', version: '1.0.0' }), { name: 'WrongSoftwareError' })
    assert.throws(() => checkSoftwareBinding(record, { name: 'acme.tool', range: '^2.0.0' }), { name: 'WrongSoftwareError' })
    checkSoftwareBinding(record, { name: 'acme.tool', range: '^1.0.0' })
  })

  it('extraneous dependencies: dependencies are inside the signed bytes, so adding one breaks the signature', () => {
    const envelope = signWith(pki)
    const withDep = new TextEncoder().encode(new TextDecoder().decode(MANIFEST_BYTES).replace('}', ',"dependencies":[{"extension_id":"evil","version_requirement":"*"}]}'))
    const tampered = { ...envelope, payload: Buffer.from(withDep).toString('base64') }
    assert.throws(() => verifyPackageSignature({ bytes: withDep, name: 'acme.tool', capabilities: [], envelope: tampered, trustStore: pki.store }), { name: 'BadSignatureError' })
  })

  it('fast-forward: a root far ahead of the trusted one is refused unless every version links', async () => {
    const privateKey = generateSigningKey().privateKey
    const r = { certificate: await issueRoot({ subject: 'FF Root', privateKey }), privateKey }
    const validators = [{ peerId: await newPeerId(), weight: 1 }]
    const v1 = createMeshRoot({ meshId: 'm', anchors: [r.certificate], signers: [r], validators, profile: 'test' })
    const v99 = createMeshRoot({ meshId: 'm', version: 99, anchors: [r.certificate], signers: [r], validators, profile: 'test' })
    assert.throws(() => updateMeshRoot(v1, [v99]), { name: 'RootVersionGapError' })
    // a record that fails verification never raises a high-water mark (checkRecord records last)
    const seen = new HighWaterMarks()
    assert.throws(() => checkRecord({ record: { ...record, version: '99.0.0' }, manifestDigest: 'other', requested: { name: 'acme.tool' }, seen }), { name: 'DigestMismatchError' })
    assert.equal(seen.get('version:acme.tool'), undefined)
  })

  it('malicious mirrors: bytes from any source verify the same way; an altered copy fails', () => {
    const envelope = JSON.stringify(signWith(pki))
    const mirrored = envelope.replace('"sig":"', '"sig":"A').replace(/"sig":"A(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`)
    assert.throws(() => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: [], envelope: mirrored, trustStore: pki.store }), (err: any) => ['BadSignatureError', 'MalformedTrustDataError'].includes(err.name))
  })

  it('key compromise: one leaked root key cannot rotate a 2-of-2 root; a revoked publisher key signs nothing', async () => {
    const keys = [generateSigningKey().privateKey, generateSigningKey().privateKey]
    const roots = await Promise.all(keys.map(async (privateKey, i) => ({ certificate: await issueRoot({ subject: `KC Root ${i}`, privateKey }), privateKey })))
    const attacker = { certificate: await issueRoot({ subject: 'Attacker', privateKey: keys[0] }), privateKey: keys[0] }
    const validators = [{ peerId: await newPeerId(), weight: 1 }]
    const v1 = createMeshRoot({ meshId: 'kc', anchors: roots.map(r => r.certificate), signers: roots, validators, profile: 'test' })
    const evil = createMeshRoot({ meshId: 'kc', version: 2, anchors: [attacker.certificate], signers: [roots[0], attacker], validators, profile: 'test' })
    assert.throws(() => updateMeshRoot(v1, [evil]), { name: 'ThresholdNotMetError' })

    const store = new TrustStore({ anchors: [pki.root.certificate] })
    const { issueRevocationList } = await import('../../src/trust/index.ts')
    store.revocations.accept(await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber }] }), new Date())
    const envelope = signPackage({ bytes: MANIFEST_BYTES, key: pki.publisher.privateKey, chain: [pki.publisher.certificate, pki.intermediate.certificate] })
    assert.throws(() => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: [], envelope, trustStore: store, at: new Date(Date.now() + 1000) }), { name: 'CertificateRevokedError' })
  })
})
