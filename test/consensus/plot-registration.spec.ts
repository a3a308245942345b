import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ConsensusError } from '../../src/consensus/errors.ts'
import { makeMesh, plotFor } from './fixture.ts'
import { decodeRegistration, encodeRegistration, makeRegistration, verifyRegistration } from '../../src/consensus/plot-registration.ts'
import { computeLabel, parentIndices, createPlot } from '../../src/consensus/plot.ts'
import { TEST_PARAMS } from '../../src/consensus/params.ts'
import type { Mesh } from './fixture.ts'
import type { Plot } from '../../src/consensus/plot.ts'
import type { PlotRegistration } from '../../src/consensus/plot-registration.ts'

describe('plot registration', () => {
  let mesh: Mesh
  let plot: Plot
  let node: string
  let registration: PlotRegistration

  before(async () => {
    mesh = await makeMesh('test')
    plot = await plotFor(mesh, mesh.node)
    node = mesh.node.publicKey.toString()
    registration = makeRegistration(plot, node, TEST_PARAMS)
  })

  const copy = (): PlotRegistration => decodeRegistration(encodeRegistration(registration))

  it('accepts an honest registration and round-trips its encoding', () => {
    verifyRegistration(registration, node, TEST_PARAMS)
    verifyRegistration(copy(), node, TEST_PARAMS)
    assert.equal(registration.openings.length, TEST_PARAMS.registrationOpenings)
  })

  it('derives labels from their predecessor and parents', () => {
    const i = 700
    const labelAt = (j: number): Uint8Array => plot.labels.subarray(j * 32, (j + 1) * 32)
    const parents = parentIndices(plot.seed, i, TEST_PARAMS.plotParents)
    assert.equal(parents.length, TEST_PARAMS.plotParents)
    assert.ok(parents.every(p => p >= 0 && p < i))
    assert.deepEqual(computeLabel(plot.seed, i, labelAt(i - 1), parents.map(labelAt)), labelAt(i))
  })

  it('is deterministic and bound to the node key', async () => {
    const again = await createPlot(mesh.node.publicKey.raw, TEST_PARAMS)
    assert.deepEqual(again.root, plot.root)
    const other = await plotFor(mesh, mesh.other)
    assert.notDeepEqual(other.root, plot.root)
  })

  it('rejects a tampered parent', () => {
    const r = copy()
    const opening = r.openings.find(o => o.parents.length > 1)
    assert.ok(opening)
    opening.parents[1].label[0] ^= 1
    assert.throws(() => verifyRegistration(r, node, TEST_PARAMS), { name: 'PlotParentInvalidError' })
  })

  it('rejects a tampered label', () => {
    const r = copy()
    r.openings[0].opening.label[0] ^= 1
    assert.throws(() => verifyRegistration(r, node, TEST_PARAMS), { name: 'PlotOpeningInvalidError' })
  })

  it('rejects a plot registered by another node', async () => {
    const theirs = makeRegistration(await plotFor(mesh, mesh.other), mesh.other.publicKey.toString(), TEST_PARAMS)
    assert.throws(() => verifyRegistration(theirs, node, TEST_PARAMS), { name: 'PlotOwnerMismatchError' })
  })

  it('rejects another node\'s plot claimed as one\'s own', async () => {
    // the parents a label needs are chosen by the claimant's seed, so the borrowed plot's openings miss them
    const claimed = makeRegistration(await plotFor(mesh, mesh.other), node, TEST_PARAMS)
    assert.throws(() => verifyRegistration(claimed, node, TEST_PARAMS), { name: 'PlotParentInvalidError' })
  })

  it('rejects a plot whose labels ignore their parents (regenerated from 32 bytes)', async () => {
    // every label a hash of the seed and its index only: cheap to recompute on demand, no storage
    const fake = await createPlot(mesh.node.publicKey.raw, { ...TEST_PARAMS, plotParents: 0 })
    const r = makeRegistration({ ...fake, paramsId: TEST_PARAMS.id }, node, TEST_PARAMS)
    assert.throws(() => verifyRegistration(r, node, TEST_PARAMS), { name: 'PlotLabelInvalidError' })
  })

  it('rejects a registration for another parameter set', () => {
    const r = copy()
    r.paramsId = 'hypermesh-consensus/production/v1'
    assert.throws(() => verifyRegistration(r, node, TEST_PARAMS), { name: 'ParamsMismatchError' })
  })

  it('rejects every random byte flip of an encoded registration with a named error', () => {
    const bytes = encodeRegistration(registration)
    fc.assert(fc.property(fc.integer({ min: 0, max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
      const flipped = bytes.slice()
      flipped[position] ^= mask
      assert.throws(() => verifyRegistration(decodeRegistration(flipped), node, TEST_PARAMS), (err: Error) => err instanceof ConsensusError)
    }), { numRuns: 80 })
  })
})
