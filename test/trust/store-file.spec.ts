import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createMeshRoot, HighWaterMarks, installMeshRoot, issueRevocationList, loadTrust, readPrivateKeyFile, saveAnchor,
  saveHighWaterMarks, saveRevocationList, verifyChain, writePrivateKeyFile
} from '../../src/trust/index.ts'
import { makePki, newPeerId } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

describe('trust store in the data dir', () => {
  let pki: Pki
  let dataDir: string
  let validators: Array<{ peerId: string, weight: number }>
  before(async () => {
    pki = await makePki()
    dataDir = await mkdtemp(join(tmpdir(), 'hm-trust-store-'))
    validators = [{ peerId: await newPeerId(), weight: 1 }]
  })
  after(async () => { await rm(dataDir, { recursive: true, force: true }) })

  it('an empty data dir loads an empty store', async () => {
    const { store, marks } = await loadTrust(join(dataDir, 'nothing-here'))
    assert.equal(store.anchors().length, 0)
    assert.deepEqual(marks.toJSON(), {})
  })

  it('installs a mesh root, then only accepts its rotation; reloads anchors, revocations and marks', async () => {
    const v1 = createMeshRoot({ meshId: 'disk', anchors: [pki.root.certificate], signers: [pki.root], validators, profile: 'test' })
    assert.equal((await installMeshRoot(dataDir, JSON.stringify(v1))).signed.version, 1)
    const v2 = createMeshRoot({ meshId: 'disk', version: 2, anchors: [pki.root.certificate], signers: [pki.root], validators, profile: 'production' })
    assert.equal((await installMeshRoot(dataDir, v2)).signed.version, 2)
    await assert.rejects(installMeshRoot(dataDir, v1), { name: 'RollbackError' })
    assert.equal((await installMeshRoot(dataDir, v2)).signed.version, 2, 'the same root again is fine')

    const list = await issueRevocationList({ issuer: pki.intermediate, number: 4n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber }] })
    await saveRevocationList(dataDir, list, pki.intermediate.certificate)
    await saveAnchor(dataDir, pki.intermediate.certificate)
    const marks = new HighWaterMarks()
    marks.record('version:acme.tool', '2.0.0')
    await saveHighWaterMarks(dataDir, marks)

    const loaded = await loadTrust(dataDir)
    assert.equal(loaded.store.meshRoot?.signed.consensus.profile, 'production')
    assert.equal(loaded.store.isAnchor(pki.intermediate.certificate.fingerprint), true)
    assert.equal(loaded.store.revocations.get(pki.intermediate.certificate.fingerprint)?.number, 4n)
    assert.throws(() => verifyChain([pki.publisher.certificate, pki.intermediate.certificate], loaded.store, new Date(Date.now() + 1000)), { name: 'CertificateRevokedError' })
    assert.throws(() => loaded.marks.check('version:acme.tool', '1.0.0'), { name: 'RollbackError' })
  })

  it('a tampered mesh-root.json fails loudly on load', async () => {
    const path = join(dataDir, 'trust', 'mesh-root.json')
    const original = await readFile(path, 'utf8')
    await writeFile(path, original.replace('"production"', '"test"'))
    await assert.rejects(loadTrust(dataDir), { name: 'ThresholdNotMetError' })
    await writeFile(path, original)
  })

  it('private key files are 0600, never overwritten by default, and read back', async () => {
    const path = join(dataDir, 'k.key')
    await writePrivateKeyFile(path, pki.publisher.privateKey)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    await assert.rejects(writePrivateKeyFile(path, pki.root.privateKey), { code: 'EEXIST' })
    const back = await readPrivateKeyFile(path)
    assert.equal(back.asymmetricKeyType, 'ed25519')
    await writeFile(join(dataDir, 'bad.key'), 'nope')
    await assert.rejects(readPrivateKeyFile(join(dataDir, 'bad.key')), { name: 'MalformedTrustDataError' })
  })
})
