import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { makeMesh, plotFor } from './fixture.ts'
import { makeRegistration, prepareTrustRoot, stakeCertificateDigest, TEST_PARAMS, Validator, beaconMessage } from '../../src/consensus/index.ts'
import { verifySignature } from '../../src/consensus/keys.ts'
import type { ConsensusRequest, ConsensusResponse } from '../../src/consensus/protocol.ts'
import type { Mesh } from './fixture.ts'
import type { Plot, StakeCertificateBody } from '../../src/consensus/index.ts'

describe('validator decisions', () => {
  let mesh: Mesh
  let validator: Validator
  let plot: Plot
  let node: string
  let body: StakeCertificateBody

  before(async () => {
    mesh = await makeMesh('test')
    validator = new Validator(mesh.validators[0], prepareTrustRoot(mesh.root), () => mesh.now)
    plot = await plotFor(mesh, mesh.node)
    node = mesh.node.publicKey.toString()
    body = { node, amount: 500, plotRoot: plot.root, notBefore: mesh.now, notAfter: mesh.now + 3_600_000, trustRootId: mesh.root.meshId, paramsId: TEST_PARAMS.id }
  })

  const stakeRequest = (certificate: Partial<StakeCertificateBody> = {}, registration = makeRegistration(plot, node, TEST_PARAMS)): ConsensusRequest =>
    ({ type: 'stake-signature', certificate: { ...body, ...certificate }, registration })

  const code = (response: ConsensusResponse): string => response.status === 'error' ? response.code : 'OK'

  it('signs the beacon message of an open epoch', async () => {
    const response = await validator.answer({ type: 'beacon-share', meshId: mesh.root.meshId, epoch: mesh.epoch }, node)
    assert.ok(response.status === 'ok')
    assert.ok(verifySignature(mesh.validators[0].publicKey.toString(), beaconMessage(mesh.root.meshId, mesh.epoch), response.share.signature))
    assert.equal(code(await validator.answer({ type: 'beacon-share', meshId: mesh.root.meshId, epoch: mesh.epoch - 1 }, node)), 'OK')
  })

  it('refuses epochs not open and other meshes', async () => {
    assert.equal(code(await validator.answer({ type: 'beacon-share', meshId: mesh.root.meshId, epoch: mesh.epoch + 1 }, node)), 'EPOCH_NOT_OPEN')
    assert.equal(code(await validator.answer({ type: 'beacon-share', meshId: mesh.root.meshId, epoch: mesh.epoch - 2 }, node)), 'EPOCH_NOT_OPEN')
    assert.equal(code(await validator.answer({ type: 'beacon-share', meshId: 'other', epoch: mesh.epoch }, node)), 'WRONG_MESH')
  })

  it('signs a stake certificate after checking the plot registration', async () => {
    const response = await validator.answer(stakeRequest(), node)
    assert.ok(response.status === 'ok')
    assert.ok(verifySignature(mesh.validators[0].publicKey.toString(), stakeCertificateDigest(body), response.share.signature))
  })

  it('refuses certificates for someone else, beyond allocation or policy, or badly timed', async () => {
    assert.equal(code(await validator.answer(stakeRequest(), mesh.other.publicKey.toString())), 'NOT_ALLOWED')
    assert.equal(code(await validator.answer(stakeRequest({ amount: 10 ** 12 }), node)), 'NOT_ALLOWED')
    assert.equal(code(await validator.answer(stakeRequest({ notAfter: mesh.now + 2 * TEST_PARAMS.maxCertificateValidityMs }), node)), 'NOT_ALLOWED')
    assert.equal(code(await validator.answer(stakeRequest({ trustRootId: 'other' }), node)), 'WRONG_MESH')
    assert.equal(code(await validator.answer(stakeRequest({ notBefore: mesh.now - 3_600_000 }), node)), 'BAD_REQUEST')
  })

  it('refuses a bad or mismatched registration', async () => {
    const fresh = new Validator(mesh.validators[1], prepareTrustRoot(mesh.root), () => mesh.now)
    const tampered = makeRegistration(plot, node, TEST_PARAMS)
    tampered.openings[3].parents[0].label[5] ^= 1
    assert.equal(code(await fresh.answer(stakeRequest({}, tampered), node)), 'BAD_REGISTRATION')
    const otherPlot = await plotFor(mesh, mesh.other)
    assert.equal(code(await fresh.answer(stakeRequest({ plotRoot: otherPlot.root }), node)), 'BAD_REGISTRATION')
  })
})
