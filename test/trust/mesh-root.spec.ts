import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  createMeshRoot, defaultValidatorThreshold, generateSigningKey, issueIntermediate, issuePublisher, issueRoot, parseMeshRoot,
  signPackage, TrustStore, updateMeshRoot, verifyMeshRoot, verifyPackageSignature
} from '../../src/trust/index.ts'
import type { Issuer, MeshRoot } from '../../src/trust/index.ts'
import { MANIFEST_BYTES, newPeerId, SCOPE } from './fixtures.ts'

async function root (subject: string): Promise<Issuer> {
  const privateKey = generateSigningKey().privateKey
  return { certificate: await issueRoot({ subject, privateKey }), privateKey }
}

const signer = (r: Issuer) => ({ certificate: r.certificate, privateKey: r.privateKey })

describe('mesh trust root', () => {
  let a: Issuer, b: Issuer, c: Issuer
  let validators: Array<{ peerId: string, weight: number }>
  let v1: MeshRoot
  before(async () => {
    [a, b, c] = await Promise.all([root('Root A'), root('Root B'), root('Root C')])
    validators = [{ peerId: await newPeerId(), weight: 1 }, { peerId: await newPeerId(), weight: 1 }, { peerId: await newPeerId(), weight: 1 }]
    v1 = createMeshRoot({ meshId: 'test-mesh', anchors: [a.certificate, b.certificate], rootThreshold: 2, signers: [signer(a), signer(b)], validators, stake: [{ peerId: validators[0].peerId, amount: 1000 }], profile: 'test' })
  })

  it('carries anchors, validators, a > 2/3 threshold, stake and the consensus profile', () => {
    const checked = verifyMeshRoot(JSON.parse(JSON.stringify(v1)))
    assert.equal(checked.signed.threshold, 3)
    assert.equal(defaultValidatorThreshold(3), 3)
    assert.equal(defaultValidatorThreshold(4), 3)
    assert.equal(defaultValidatorThreshold(100), 67)
    assert.equal(checked.signed.consensus.profile, 'test')
    assert.equal(checked.signed.stake[0].amount, 1000)
    assert.equal(checked.signed.anchors.length, 2)
  })

  it('ThresholdNotMetError: fewer root signatures than rootThreshold', () => {
    const one = { ...v1, signatures: v1.signatures.slice(0, 1) }
    assert.throws(() => verifyMeshRoot(one), { name: 'ThresholdNotMetError' })
    const dup = { ...v1, signatures: [v1.signatures[0], v1.signatures[0]] }
    assert.throws(() => verifyMeshRoot(dup), { name: 'ThresholdNotMetError' }, 'one key counts once')
  })

  it('BadSignature shows as a missing signature: an edited body loses its threshold', () => {
    const edited = { ...v1, signed: { ...v1.signed, threshold: 1 } }
    assert.throws(() => verifyMeshRoot(edited), { name: 'ThresholdNotMetError' })
  })

  it('MalformedTrustDataError: validators must be Ed25519 PeerIds, thresholds in range', () => {
    assert.throws(() => parseMeshRoot({ ...v1, signed: { ...v1.signed, validators: [{ peerId: 'not-a-peer', weight: 1 }] } }), { name: 'MalformedTrustDataError' })
    assert.throws(() => parseMeshRoot({ ...v1, signed: { ...v1.signed, threshold: 4 } }), { name: 'MalformedTrustDataError' })
    assert.throws(() => parseMeshRoot({ ...v1, signed: { ...v1.signed, rootThreshold: 3 } }), { name: 'MalformedTrustDataError' })
  })

  it('rotation: v1 → v2 signed by v1\'s threshold; v1-only data refused after; rollback to v1 refused', async () => {
    // v2 drops root A (say its key leaked) and adds root C; A and B (v1's threshold) and B and C (v2's) sign
    const v2 = createMeshRoot({ meshId: 'test-mesh', version: 2, anchors: [b.certificate, c.certificate], rootThreshold: 2, signers: [signer(a), signer(b), signer(c)], validators, profile: 'test' })
    const store = new TrustStore({ meshRoot: verifyMeshRoot(v1) })

    // data under root A is trusted while v1 is in force
    const interKey = generateSigningKey()
    const interA = { certificate: await issueIntermediate({ subject: 'Inter A', publicKey: interKey.publicKey, issuer: a }), privateKey: interKey.privateKey }
    const pubKey = generateSigningKey()
    const pubA = await issuePublisher({ subject: 'Pub A', publicKey: pubKey.publicKey, issuer: interA, scope: SCOPE })
    const envelope = signPackage({ bytes: MANIFEST_BYTES, key: pubKey.privateKey, chain: [pubA, interA.certificate] })
    const check = () => verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: [], envelope, trustStore: store })
    assert.equal(check().anchor.subject, 'CN=Root A')

    const next = updateMeshRoot(store.meshRoot as MeshRoot, [JSON.stringify(v2)])
    store.setMeshRoot(next)
    assert.equal(store.meshRoot?.signed.version, 2)
    assert.throws(check, { name: 'UnknownRootError' })
    assert.throws(() => updateMeshRoot(next, [v1]), { name: 'RollbackError' })
  })

  it('ThresholdNotMetError: a new root signed only by its own new keys is not a rotation', () => {
    const v2 = createMeshRoot({ meshId: 'test-mesh', version: 2, anchors: [c.certificate], rootThreshold: 1, signers: [signer(c)], validators, profile: 'test' })
    assert.throws(() => updateMeshRoot(v1, [v2]), { name: 'ThresholdNotMetError' })
    // one leaked old key (A) is below v1's threshold of 2
    const v2a = createMeshRoot({ meshId: 'test-mesh', version: 2, anchors: [c.certificate], rootThreshold: 1, signers: [signer(a), signer(c)], validators, profile: 'test' })
    assert.throws(() => updateMeshRoot(v1, [v2a]), { name: 'ThresholdNotMetError' })
  })

  it('RootVersionGapError: v3 cannot follow v1 directly; v2 then v3 works', () => {
    const v2 = createMeshRoot({ meshId: 'test-mesh', version: 2, anchors: [a.certificate, b.certificate], rootThreshold: 2, signers: [signer(a), signer(b)], validators, profile: 'test' })
    const v3 = createMeshRoot({ meshId: 'test-mesh', version: 3, anchors: [a.certificate, b.certificate], rootThreshold: 2, signers: [signer(a), signer(b)], validators, profile: 'production' })
    assert.throws(() => updateMeshRoot(v1, [v3]), { name: 'RootVersionGapError' })
    assert.equal(updateMeshRoot(v1, [v3, v2]).signed.consensus.profile, 'production')
  })

  it('ExpiredMetadataError: an expired root is refused (freeze)', () => {
    const old = createMeshRoot({ meshId: 'test-mesh', anchors: [a.certificate], signers: [signer(a)], validators, profile: 'test', now: new Date(Date.now() - 10 * 86400_000), validityDays: 1 })
    assert.throws(() => verifyMeshRoot(old), { name: 'ExpiredMetadataError' })
  })

  it('UnknownRootError: a root for another mesh is not a rotation', () => {
    const other = createMeshRoot({ meshId: 'other-mesh', version: 2, anchors: [a.certificate, b.certificate], rootThreshold: 2, signers: [signer(a), signer(b)], validators, profile: 'test' })
    assert.throws(() => updateMeshRoot(v1, [other]), { name: 'UnknownRootError' })
  })
})
