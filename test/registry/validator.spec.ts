import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { issueRevocationList } from '../../src/trust/index.ts'
import {
  MAX_RECORD_BYTES, MAX_RECORD_LIFETIME_MS, recordKey, registrySelectors, registryValidators, SequenceMarks, signRecord
} from '../../src/registry/index.ts'
import { body, credsOf, makeForeignPublisher, makePki, tamperVersions, tempDir } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

const KEY = recordKey('acme.tool')

function validatorFor (pki: Pki, marks = new SequenceMarks(), now = () => new Date()): (key: Uint8Array, value: Uint8Array) => Promise<void> {
  return async (key, value) => { await registryValidators({ trustStore: pki.store, marks, now }).hmpkg(key, value) }
}

async function rejectsWith (p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (err: Error) => { assert.equal(err.name, name, err.message); return true })
}

describe('registry validator', () => {
  let pki: Pki
  let other: Awaited<ReturnType<typeof makeForeignPublisher>>
  before(async () => {
    pki = await makePki()
    other = await makeForeignPublisher()
  })

  it('accepts a well-signed record and raises the sequence mark', async () => {
    const marks = new SequenceMarks()
    await validatorFor(pki, marks)(KEY, signRecord({ body: body({ sequence: 3 }), ...credsOf(pki) }))
    assert.equal(marks.get('acme.tool'), 3)
  })

  it('refuses a record signed by a key that does not chain to a trusted root', async () => {
    await rejectsWith(validatorFor(pki)(KEY, signRecord({ body: body(), ...credsOf(other) })), 'UnknownRootError')
  })

  it('refuses a record whose version list was tampered with after signing', async () => {
    await rejectsWith(validatorFor(pki)(KEY, tamperVersions(signRecord({ body: body(), ...credsOf(pki) }))), 'BadSignatureError')
  })

  it('refuses an expired record (freeze)', async () => {
    const past = new Date(Date.now() - 2 * 3_600_000)
    await rejectsWith(validatorFor(pki)(KEY, signRecord({ body: body({ now: past, lifetimeMs: 3_600_000 }), ...credsOf(pki) })), 'ExpiredMetadataError')
  })

  it('refuses a record whose lifetime exceeds the cap', async () => {
    await rejectsWith(validatorFor(pki)(KEY, signRecord({ body: body({ lifetimeMs: MAX_RECORD_LIFETIME_MS + 60_000 }), ...credsOf(pki) })), 'RecordLifetimeError')
  })

  it('refuses a record from a revoked publisher', async () => {
    const revoked = await makePki()
    const list = await issueRevocationList({ issuer: revoked.intermediate, number: 1n, entries: [{ serialNumber: revoked.publisher.certificate.serialNumber, revocationDate: new Date(Date.now() - 60_000) }] })
    revoked.store.revocations.accept(list, new Date())
    await rejectsWith(validatorFor(revoked)(KEY, signRecord({ body: body(), ...credsOf(revoked) })), 'CertificateRevokedError')
  })

  it('refuses a name outside the publisher scope', async () => {
    const key = recordKey('other.tool')
    await rejectsWith(validatorFor(pki)(key, signRecord({ body: body({ name: 'other.tool' }), ...credsOf(pki) })), 'OutOfScopeError')
  })

  it('refuses a record stored under another name', async () => {
    await rejectsWith(validatorFor(pki)(recordKey('acme.other'), signRecord({ body: body(), ...credsOf(pki) })), 'RecordKeyMismatchError')
  })

  it('refuses an oversized value before parsing it', async () => {
    await rejectsWith(validatorFor(pki)(KEY, new Uint8Array(MAX_RECORD_BYTES + 1)), 'RecordTooLargeError')
  })

  it('refuses bytes that are not a canonical record', async () => {
    const bytes = signRecord({ body: body(), ...credsOf(pki) })
    const spaced = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 1))
    await rejectsWith(validatorFor(pki)(KEY, spaced), 'MalformedRecordError')
    await rejectsWith(validatorFor(pki)(KEY, new TextEncoder().encode('{"not":"a record"}')), 'MalformedRecordError')
  })

  it('refuses an older sequence after a newer one, also after a restart (marks in LevelDB)', async () => {
    await using tmp = await tempDir()
    const path = join(tmp.dir, 'db')
    let ds = new LevelDatastore(path)
    await ds.open()
    let marks = new SequenceMarks()
    await marks.open(ds)
    const v5 = signRecord({ body: body({ sequence: 5 }), ...credsOf(pki) })
    const v4 = signRecord({ body: body({ sequence: 4 }), ...credsOf(pki) })
    await validatorFor(pki, marks)(KEY, v5)
    await rejectsWith(validatorFor(pki, marks)(KEY, v4), 'RollbackError')
    await validatorFor(pki, marks)(KEY, v5) // the same record again is fine
    await ds.close()
    ds = new LevelDatastore(path)
    await ds.open()
    marks = new SequenceMarks()
    await marks.open(ds)
    assert.equal(marks.get('acme.tool'), 5)
    await rejectsWith(validatorFor(pki, marks)(KEY, v4), 'RollbackError')
    await ds.close()
  })
})

describe('registry selector', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  it('prefers the highest sequence, then the later expiry, and never an undecodable value', async () => {
    const select = registrySelectors().hmpkg
    const now = new Date()
    const s1 = signRecord({ body: body({ sequence: 1, now }), ...credsOf(pki) })
    const s7 = signRecord({ body: body({ sequence: 7, now }), ...credsOf(pki) })
    const s7later = signRecord({ body: body({ sequence: 7, now, lifetimeMs: 7_200_000 }), ...credsOf(pki) })
    const junk = new TextEncoder().encode('{"sequence": 99}')
    assert.equal(await select(KEY, [s1, s7, junk]), 1)
    assert.equal(await select(KEY, [junk, s7, s1]), 1)
    assert.equal(await select(KEY, [s7, s7later, s1]), 1)
    assert.equal(await select(KEY, [s7later, s7]), 0)
  })
})
