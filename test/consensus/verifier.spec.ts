import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { beaconShares, bundleFor, DIGEST, keyFor, makeMesh, plotFor, stakeCertificate, THRESHOLD } from './fixture.ts'
import { bundleDigest, decodeBundle, encodeBundle } from '../../src/consensus/bundle.ts'
import { ConsensusError } from '../../src/consensus/errors.ts'
import { ConsensusVerifier } from '../../src/consensus/verifier.ts'
import { bytesToBigInt, bigIntToBytes } from '../../src/consensus/bigint.ts'
import { RSA_2048, RSA_2048_BYTES } from '../../src/consensus/rsa2048.ts'
import { TEST_PARAMS } from '../../src/consensus/params.ts'
import type { ConsensusBundle } from '../../src/consensus/bundle.ts'
import type { Expectation } from '../../src/consensus/verifier.ts'
import type { Mesh } from './fixture.ts'
import type { PrivateKey } from '@libp2p/interface'

describe('consensus verifier', () => {
  let mesh: Mesh
  let good: Uint8Array
  let expected: Expectation
  const names: string[] = []

  before(async () => {
    mesh = await makeMesh('test')
    good = await bundleFor(mesh)
    expected = { op: 'install', digest: DIGEST, node: mesh.node.publicKey.toString() }
  })

  const verifierAt = (now = mesh.now): ConsensusVerifier => new ConsensusVerifier(mesh.root, { now: () => now })

  /** Asserts the named rejection and records the name so the suite can insist they are distinct. */
  function rejects (bytes: Uint8Array, name: string, options: { expect?: Partial<Expectation>, now?: number } = {}): void {
    assert.throws(() => verifierAt(options.now).verify(bytes, { ...expected, ...options.expect }), (err: Error) => {
      assert.equal(err.name, name, err.message)
      assert.ok(err instanceof ConsensusError)
      return true
    })
    names.push(name)
  }

  /** Edits a bundle and, like a dishonest node would, signs the result with its own key. */
  async function tampered (edit: (b: ConsensusBundle) => void | Promise<void>, key: PrivateKey = mesh.node, bytes = good): Promise<Uint8Array> {
    const b = decodeBundle(bytes)
    await edit(b)
    b.signature = await key.sign(bundleDigest(b, b.contextHash))
    return encodeBundle(b)
  }

  it('accepts an honest bundle', () => {
    const result = verifierAt().verify(good, expected)
    assert.equal(result.op, 'install')
    assert.equal(result.node, expected.node)
    assert.equal(result.epoch, mesh.epoch)
  })

  it('accepts it in the next epoch too, but not twice (replayed bundle)', () => {
    const verifier = verifierAt(mesh.now + TEST_PARAMS.epochMs)
    verifier.verify(good, expected)
    assert.throws(() => verifier.verify(good, expected), { name: 'BundleReplayedError' })
    names.push('BundleReplayedError')
  })

  it('verifies as of a given time, e.g. when a stored record is checked again later', () => {
    const later = new ConsensusVerifier(mesh.root, { now: () => mesh.now + 3_600_000 })
    assert.throws(() => later.verify(good, expected), { name: 'EpochStaleError' })
    assert.equal(later.verify(good, expected, { now: mesh.now }).epoch, mesh.epoch)
  })

  it('rejects another package', () => rejects(good, 'DigestMismatchError', { expect: { digest: 'bafkreiother' } }))
  it('rejects another node', () => rejects(good, 'NodeMismatchError', { expect: { node: mesh.other.publicKey.toString() } }))
  it('rejects another operation', () => rejects(good, 'OperationMismatchError', { expect: { op: 'publish' } }))

  it('rejects a proof moved to the next epoch with that epoch\'s beacon', async () => {
    const next = mesh.epoch + 1
    const shares = await beaconShares(mesh, next)
    const moved = await tampered(b => { b.epoch = next; b.beacon = shares })
    rejects(moved, 'ContextMismatchError', { now: mesh.now + TEST_PARAMS.epochMs })
  })

  it('rejects a stale epoch', () => rejects(good, 'EpochStaleError', { now: mesh.now + 2 * TEST_PARAMS.epochMs + TEST_PARAMS.clockSkewMs }))
  it('rejects a future epoch', () => rejects(good, 'EpochFutureError', { now: mesh.now - TEST_PARAMS.epochMs }))

  it('rejects a wrong beacon (the previous epoch\'s shares)', async () => {
    const shares = await beaconShares(mesh, mesh.epoch - 1)
    rejects(await tampered(b => { b.beacon = shares }), 'BeaconInvalidError')
  })

  it('rejects a beacon below threshold', async () => {
    const shares = await beaconShares(mesh, mesh.epoch, mesh.validators.slice(0, THRESHOLD - 1))
    rejects(await tampered(b => { b.beacon = shares }), 'BeaconThresholdNotMetError')
  })

  it('rejects a tampered nonce', async () => {
    rejects(await tampered(b => { b.work.nonce += 1 }), 'WorkInvalidError')
  })

  it('rejects work declared below the policy difficulty', async () => {
    rejects(await tampered(b => { b.work.bits = TEST_PARAMS.workBits - 1 }), 'WorkBelowPolicyError')
  })

  it('rejects a tampered VDF output y', async () => {
    rejects(await tampered(b => { b.vdf.y[RSA_2048_BYTES - 1] ^= 1 }), 'VdfProofInvalidError')
  })

  it('rejects N − y (the non-canonical twin of y)', async () => {
    rejects(await tampered(b => { b.vdf.y = bigIntToBytes(RSA_2048 - bytesToBigInt(b.vdf.y), RSA_2048_BYTES) }), 'VdfNonCanonicalError')
  })

  it('rejects a shorter T', async () => {
    rejects(await tampered(b => { b.vdf.iterations = TEST_PARAMS.vdfIterations / 2 }), 'VdfIterationsMismatchError')
  })

  it('rejects a smaller VDF prime', async () => {
    rejects(await tampered(b => { b.vdf.primeBits = TEST_PARAMS.vdfPrimeBits / 2 }), 'VdfPrimeSizeMismatchError')
  })

  it('rejects a tampered label in a space opening', async () => {
    rejects(await tampered(b => { b.space[0].label[0] ^= 1 }), 'SpaceOpeningInvalidError')
  })

  it('rejects a swapped plot root (proved with another plot than the certified one)', async () => {
    const plot = await plotFor(mesh, mesh.node)
    const swapped = await bundleFor(mesh, { stake: await stakeCertificate(mesh, mesh.node, plot, { plotRoot: (await plotFor(mesh, mesh.other)).root }) })
    rejects(swapped, 'PlotRootMismatchError')
  })

  it('rejects stake below the minimum', async () => {
    const bytes = await bundleFor(mesh, { key: mesh.poor, cert: { amount: 0 } })
    rejects(bytes, 'StakeBelowMinimumError', { expect: { node: mesh.poor.publicKey.toString() } })
  })

  it('rejects stake above the genesis allocation', async () => {
    rejects(await bundleFor(mesh, { cert: { amount: Number.MAX_SAFE_INTEGER } }), 'StakeAboveAllocationError')
  })

  it('rejects a stake certificate below the validator threshold', async () => {
    rejects(await bundleFor(mesh, { cert: { signers: mesh.validators.slice(0, THRESHOLD - 1) } }), 'StakeThresholdNotMetError')
  })

  it('rejects duplicate validator signatures on a stake certificate', async () => {
    const [a, b] = mesh.validators
    rejects(await bundleFor(mesh, { cert: { signers: [a, a, b] } }), 'StakeDuplicateSignerError')
  })

  it('rejects a stake certificate signed by a non-validator', async () => {
    const outsider = await keyFor('outsider')
    rejects(await bundleFor(mesh, { cert: { signers: [...mesh.validators.slice(0, THRESHOLD - 1), outsider] } }), 'StakeUnknownSignerError')
  })

  it('rejects a forged validator signature on a stake certificate', async () => {
    rejects(await tampered(b => { b.stake.signatures[0].signature[0] ^= 1 }), 'StakeSignatureInvalidError')
  })

  it('rejects an expired stake certificate', async () => {
    rejects(await bundleFor(mesh, { cert: { notBefore: mesh.now - 7_200_000, notAfter: mesh.now - 1 } }), 'StakeCertificateExpiredError')
  })

  it('rejects a stake certificate valid longer than a day', async () => {
    rejects(await bundleFor(mesh, { cert: { notAfter: mesh.now + 2 * TEST_PARAMS.maxCertificateValidityMs } }), 'StakeValidityTooLongError')
  })

  it('rejects a stake certificate of another node', async () => {
    const otherPlot = await plotFor(mesh, mesh.other)
    const cert = await stakeCertificate(mesh, mesh.other, otherPlot)
    rejects(await tampered(b => { b.stake = cert }), 'StakeNodeMismatchError')
  })

  it('rejects a bundle signed by another key', async () => {
    rejects(await tampered(() => {}, mesh.other), 'NodeSignatureInvalidError')
  })

  it('rejects a bundle made under another parameter profile', async () => {
    rejects(await tampered(b => { b.paramsId = 'hypermesh-consensus/production/v1' }), 'ParamsMismatchError')
  })

  it('rejects a bundle made under another trust root', async () => {
    rejects(await tampered(b => { b.trustRootId = 'another-mesh' }), 'TrustRootMismatchError')
  })

  it('rejects truncated and non-canonical encodings', () => {
    rejects(good.subarray(0, good.byteLength - 1), 'BundleMalformedError')
    assert.throws(() => decodeBundle(Uint8Array.of(...good, 0)), { name: 'BundleMalformedError' })
  })

  it('gives every rejection its own error name', () => {
    assert.ok(names.length >= 25, `only ${names.length} rejections ran`)
    assert.equal(new Set(names).size, names.length, `repeated names: ${names.join(', ')}`)
  })

  it('rejects every random byte flip with a named consensus error, never a crash', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: good.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
      const flipped = good.slice()
      flipped[position] ^= mask
      assert.throws(() => verifierAt().verify(flipped, expected), (err: Error) => err instanceof ConsensusError)
    }), { numRuns: 300 })
  })
})
