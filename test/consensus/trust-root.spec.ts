import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { makeMesh } from './fixture.ts'
import { prepareTrustRoot } from '../../src/consensus/trust-root.ts'
import { checkEpoch, epochAt } from '../../src/consensus/epoch.ts'
import { TEST_PARAMS, PRODUCTION_PARAMS, paramsFor } from '../../src/consensus/params.ts'
import type { Mesh } from './fixture.ts'

describe('consensus trust root and epochs', () => {
  let mesh: Mesh
  before(async () => { mesh = await makeMesh('test') })

  it('accepts a mesh-root body as is (extra fields ignored) and indexes it', () => {
    const prepared = prepareTrustRoot({ ...mesh.root, type: 'hypermesh/mesh-root', version: 3 } as typeof mesh.root)
    assert.equal(prepared.id, 'fixture-mesh')
    assert.equal(prepared.totalWeight, 4)
    assert.equal(prepared.params, TEST_PARAMS)
    assert.equal(prepared.allocations.get(mesh.node.publicKey.toString()), 1_000_000)
  })

  it('refuses a threshold of two thirds or less, a duplicate validator, a bad PeerId or profile', () => {
    assert.throws(() => prepareTrustRoot({ ...mesh.root, threshold: 2 }), { name: 'TrustRootInvalidError' })
    assert.throws(() => prepareTrustRoot({ ...mesh.root, threshold: 5 }), { name: 'TrustRootInvalidError' })
    assert.throws(() => prepareTrustRoot({ ...mesh.root, validators: [...mesh.root.validators, mesh.root.validators[0]] }), { name: 'TrustRootInvalidError' })
    assert.throws(() => prepareTrustRoot({ ...mesh.root, validators: [{ peerId: 'QmNotAKey', weight: 1 }] }), { name: 'InvalidPeerIdError' })
    assert.throws(() => prepareTrustRoot({ ...mesh.root, consensus: { profile: 'fast' as 'test' } }))
  })

  it('accepts the current and previous epoch within the clock skew', () => {
    const { epochMs, clockSkewMs } = TEST_PARAMS
    const now = 100 * epochMs + 1000
    assert.equal(epochAt(now, TEST_PARAMS), 100)
    checkEpoch(100, now, TEST_PARAMS)
    checkEpoch(99, now, TEST_PARAMS)
    checkEpoch(101, 101 * epochMs - clockSkewMs + 1, TEST_PARAMS)
    assert.throws(() => checkEpoch(101, now, TEST_PARAMS), { name: 'EpochFutureError' })
    assert.throws(() => checkEpoch(98, now + clockSkewMs, TEST_PARAMS), { name: 'EpochStaleError' })
  })

  it('pins the resolved profile parameters', () => {
    assert.equal(paramsFor('production'), PRODUCTION_PARAMS)
    assert.deepEqual(
      [TEST_PARAMS.workBits, TEST_PARAMS.vdfIterations, TEST_PARAMS.vdfPrimeBits, TEST_PARAMS.plotLog2Labels, TEST_PARAMS.spaceOpenings, TEST_PARAMS.registrationOpenings],
      [10, 4096, 128, 10, 8, 32])
    assert.deepEqual(
      [PRODUCTION_PARAMS.workBits, PRODUCTION_PARAMS.vdfIterations, PRODUCTION_PARAMS.vdfPrimeBits, PRODUCTION_PARAMS.plotLog2Labels, PRODUCTION_PARAMS.spaceOpenings, PRODUCTION_PARAMS.registrationOpenings],
      [20, 262144, 256, 18, 32, 128])
    assert.ok(Object.isFrozen(TEST_PARAMS) && Object.isFrozen(PRODUCTION_PARAMS))
  })
})
