import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  fitRecord, mergeVersions, nextRecordBody, MAX_RECORD_VERSIONS, MAX_RECORD_BYTES, encodeRecordBody, RecordTooLargeError
} from '../../src/registry/index.ts'
import { fakeVersion } from './fixtures.ts'

describe('building the next record', () => {
  it('merges a new version in semver order and keeps the newest MAX_RECORD_VERSIONS', () => {
    const merged = mergeVersions([fakeVersion('1.0.0'), fakeVersion('1.10.0')], fakeVersion('1.2.0'), 'acme.tool')
    assert.deepEqual(merged.map(v => v.version), ['1.0.0', '1.2.0', '1.10.0'])
    const many = Array.from({ length: MAX_RECORD_VERSIONS }, (_, i) => fakeVersion(`0.${i}.0`))
    const capped = mergeVersions(many, fakeVersion('1.0.0'), 'acme.tool')
    assert.equal(capped.length, MAX_RECORD_VERSIONS)
    assert.equal(capped[0].version, '0.1.0')
    assert.equal(capped[capped.length - 1].version, '1.0.0')
  })

  it('re-adding a version with the same manifest changes nothing; with another manifest is refused', () => {
    const prev = [fakeVersion('1.0.0')]
    assert.deepEqual(mergeVersions(prev, fakeVersion('1.0.0'), 'acme.tool'), prev)
    assert.throws(() => mergeVersions(prev, fakeVersion('1.0.0', 'other bytes'), 'acme.tool'), { name: 'VersionExistsError' })
  })

  it('raises the sequence above both the previous record and the node mark', () => {
    const now = new Date('2026-01-01T00:00:00.000Z')
    const body = nextRecordBody({ name: 'acme.tool', versions: [fakeVersion('1.0.0')], after: [3, 7], now, lifetimeMs: 1000 })
    assert.equal(body.sequence, 8)
    assert.equal(body.expires, '2026-01-01T00:00:01.000Z')
    assert.equal(nextRecordBody({ name: 'acme.tool', versions: [fakeVersion('1.0.0')], after: [undefined, undefined], now, lifetimeMs: 1000 }).sequence, 1)
  })

  it('drops the oldest versions until the record fits, and fails when the newest alone does not', () => {
    const now = new Date()
    const versions = Array.from({ length: 5 }, (_, i) => fakeVersion(`1.${i}.0`))
    const body = nextRecordBody({ name: 'acme.tool', versions, after: [], now, lifetimeMs: 1000 })
    // an encoder that refuses more than two versions stands in for the byte cap
    const encoded = fitRecord(body, b => {
      if (b.versions.length > 2) throw new RecordTooLargeError(`more than ${MAX_RECORD_BYTES}`)
      return encodeRecordBody(b)
    })
    const kept = JSON.parse(new TextDecoder().decode(encoded)).versions.map((v: any) => v.version)
    assert.deepEqual(kept, ['1.3.0', '1.4.0'])
    assert.throws(() => fitRecord(body, () => { throw new RecordTooLargeError('always') }), { name: 'RecordTooLargeError' })
  })
})
