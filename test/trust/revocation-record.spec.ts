import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import {
  encodeRevocationRecord, issueRevocationList, revocationKey, verifyRevocationRecord, TrustStore, MAX_REVOCATION_RECORD_BYTES
} from '../../src/trust/index.ts'
import { makePki } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

const DAY = 24 * 60 * 60 * 1000

describe('revocation records (/hmcrl/ DHT values)', () => {
  let pki: Pki
  let other: Pki
  before(async () => { [pki, other] = await Promise.all([makePki(), makePki()]) })

  const listOf = async (p: Pki, number = 1n, nextUpdate?: Date) =>
    issueRevocationList({ issuer: p.intermediate, number, entries: [{ serialNumber: p.publisher.certificate.serialNumber }], nextUpdate })

  it('round-trips: an intermediate\'s list with its chain verifies against the root anchor, under its key', async () => {
    const list = await listOf(pki, 3n)
    const bytes = encodeRevocationRecord(list, [pki.intermediate.certificate])
    const key = revocationKey(pki.intermediate.certificate.fingerprint)
    assert.match(new TextDecoder().decode(key), /^\/hmcrl\/[0-9a-f]{64}$/)
    const r = verifyRevocationRecord(bytes, { trustStore: pki.store, at: new Date(), key })
    assert.equal(r.list.number, 3n)
    assert.equal(r.chain[0].fingerprint, pki.intermediate.certificate.fingerprint)
    assert.ok(r.list.entries.has(pki.publisher.certificate.serialNumber))
  })

  it('UnknownRootError: an issuer that does not chain to the node\'s anchors', async () => {
    const bytes = encodeRevocationRecord(await listOf(other), [other.intermediate.certificate])
    assert.throws(() => verifyRevocationRecord(bytes, { trustStore: pki.store, at: new Date() }), { name: 'UnknownRootError' })
  })

  it('BadSignatureError: another CA\'s list presented with our intermediate', async () => {
    const forged = new TextEncoder().encode((await listOf(other)).pem + pki.intermediate.certificate.pem)
    assert.throws(() => verifyRevocationRecord(forged, { trustStore: pki.store, at: new Date() }), { name: 'BadSignatureError' })
  })

  it('ExpiredMetadataError: a stale list is not spread (freeze)', async () => {
    const bytes = encodeRevocationRecord(await listOf(pki, 1n, new Date(Date.now() + DAY)), [pki.intermediate.certificate])
    assert.throws(() => verifyRevocationRecord(bytes, { trustStore: pki.store, at: new Date(Date.now() + 2 * DAY) }), { name: 'ExpiredMetadataError' })
  })

  it('MalformedTrustDataError: a list under another issuer\'s key, no issuer, or oversized', async () => {
    const bytes = encodeRevocationRecord(await listOf(pki), [pki.intermediate.certificate])
    assert.throws(() => verifyRevocationRecord(bytes, { trustStore: pki.store, at: new Date(), key: revocationKey(pki.root.certificate.fingerprint) }), { name: 'MalformedTrustDataError' })
    const bare = new TextEncoder().encode((await listOf(pki)).pem)
    assert.throws(() => verifyRevocationRecord(bare, { trustStore: pki.store, at: new Date() }), { name: 'MalformedTrustDataError' })
    assert.throws(() => verifyRevocationRecord(new Uint8Array(MAX_REVOCATION_RECORD_BYTES + 1), { trustStore: pki.store, at: new Date() }), { name: 'MalformedTrustDataError' })
  })

  it('CertificateRevokedError: an issuer revoked by its own parent cannot spread lists', async () => {
    const store = new TrustStore({ anchors: [pki.root.certificate] })
    const parentList = await issueRevocationList({ issuer: pki.root, number: 1n, entries: [{ serialNumber: pki.intermediate.certificate.serialNumber, revocationDate: new Date(Date.now() - 1000) }] })
    store.revocations.accept(parentList, new Date())
    const bytes = encodeRevocationRecord(await listOf(pki), [pki.intermediate.certificate])
    assert.throws(() => verifyRevocationRecord(bytes, { trustStore: store, at: new Date() }), { name: 'CertificateRevokedError' })
  })

  it('encodeRevocationRecord refuses a chain that does not start with the list\'s issuer', async () => {
    const list = await listOf(pki)
    assert.throws(() => encodeRevocationRecord(list, [pki.root.certificate]), { name: 'MalformedTrustDataError' })
  })
})
