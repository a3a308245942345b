import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { issueRevocationList, parseRevocationList, RevocationStore } from '../../src/trust/index.ts'
import { makePki } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

const HOUR = 60 * 60 * 1000

describe('revocation lists', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  it('round-trips: number, times and revoked serials survive PEM', async () => {
    const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000)
    const list = await issueRevocationList({ issuer: pki.intermediate, number: 7n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber, revocationDate: revokedAt }] })
    const again = parseRevocationList(list.pem, pki.intermediate.certificate)
    assert.equal(again.number, 7n)
    assert.equal(again.issuerFingerprint, pki.intermediate.certificate.fingerprint)
    assert.deepEqual(again.entries.get(pki.publisher.certificate.serialNumber), revokedAt)
    assert.ok(again.nextUpdate > again.thisUpdate)
    assert.match(list.pem, /^-----BEGIN X509 CRL-----/)
  })

  it('BadSignatureError: a list checked against another issuer', async () => {
    const list = await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [] })
    assert.throws(() => parseRevocationList(list.der, pki.root.certificate), { name: 'BadSignatureError' })
  })

  it('MalformedTrustDataError: the unsigned outer algorithm identifier cannot be altered (found by the byte-flip property)', async () => {
    const list = await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [] })
    const der = new Uint8Array(list.der)
    // the outer AlgorithmIdentifier is the 5-byte SEQUENCE just before the 67-byte signature BIT STRING
    const at = der.length - 67 - 7
    assert.equal(der[at], 0x30)
    der[at] = 0xa0
    assert.throws(() => parseRevocationList(der, pki.intermediate.certificate), { name: 'MalformedTrustDataError' })
  })

  it('NotCaError: only a CA may publish a revocation list', async () => {
    await assert.rejects(issueRevocationList({ issuer: pki.publisher, number: 1n, entries: [] }), { name: 'NotCaError' })
  })

  it('RollbackError: an older list after a newer one, or a different list under the same number', async () => {
    const store = new RevocationStore()
    const now = new Date()
    const v1 = await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [] })
    const v2 = await issueRevocationList({ issuer: pki.intermediate, number: 2n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber }] })
    const v2b = await issueRevocationList({ issuer: pki.intermediate, number: 2n, entries: [] })
    assert.equal(store.accept(v1, now), true)
    assert.equal(store.accept(v2, now), true)
    assert.equal(store.accept(v2, now), false, 'the same list again is a no-op')
    assert.throws(() => store.accept(v1, now), { name: 'RollbackError' })
    assert.throws(() => store.accept(v2b, now), { name: 'RollbackError' })
    assert.equal(store.get(pki.intermediate.certificate.fingerprint)?.number, 2n)
  })

  it('ExpiredMetadataError: a list past its nextUpdate is refused (freeze)', async () => {
    const thisUpdate = new Date(Date.now() - 3 * HOUR)
    const list = await issueRevocationList({ issuer: pki.intermediate, number: 3n, entries: [], thisUpdate, nextUpdate: new Date(Date.now() - HOUR) })
    assert.throws(() => new RevocationStore().accept(list, new Date()), { name: 'ExpiredMetadataError' })
  })
})
