import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { matchesFilter, newestMatching, parsePackageSpec } from '../../src/registry/index.ts'
import { body, fakeVersion } from './fixtures.ts'

describe('search filters and package specs', () => {
  const record = body({ versions: [{ ...fakeVersion('1.0.0'), assets: ['Container'], category: 'Games' }, fakeVersion('1.2.0'), fakeVersion('2.0.0-beta.1')] })

  it('matches when some version matches every given field', () => {
    assert.equal(matchesFilter(record, {}), true)
    assert.equal(matchesFilter(record, { type: 'Library' }), true)
    assert.equal(matchesFilter(record, { type: 'Container', category: 'games' }), true)
    assert.equal(matchesFilter(record, { type: 'Container', category: 'tools' }), false, 'no single version is both')
    assert.equal(matchesFilter(record, { type: 'VirtualMachine' }), false)
    assert.equal(matchesFilter(record, { text: 'ACME' }), true)
    assert.equal(matchesFilter(record, { text: 'nothing like it' }), false)
    assert.equal(matchesFilter(record, { range: '^1.1' }), true)
    assert.equal(matchesFilter(record, { range: '>=3' }), false)
  })

  it('picks the newest version in a range; prereleases only when the range asks or nothing else exists', () => {
    assert.equal(newestMatching(record)?.version, '1.2.0')
    assert.equal(newestMatching(body({ versions: [fakeVersion('0.1.0-rc.1')] }))?.version, '0.1.0-rc.1')
    assert.equal(newestMatching(record, '^1')?.version, '1.2.0')
    assert.equal(newestMatching(record, '~1.0')?.version, '1.0.0')
    assert.equal(newestMatching(record, '>=2.0.0-beta.0')?.version, '2.0.0-beta.1')
    assert.equal(newestMatching(record, '^3'), undefined)
  })

  it('parses name[@range] and names a bad part', () => {
    assert.deepEqual(parsePackageSpec('acme.tool'), { name: 'acme.tool' })
    assert.deepEqual(parsePackageSpec('acme.tool@^1.2'), { name: 'acme.tool', range: '^1.2' })
    assert.throws(() => parsePackageSpec('Acme Tool'), { name: 'InvalidPackageNameError' })
    assert.throws(() => parsePackageSpec('acme.tool@not a range!'), { name: 'InvalidVersionRangeError' })
  })
})
