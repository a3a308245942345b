import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ConsensusError } from '../../src/consensus/errors.ts'
import { readFile } from 'node:fs/promises'
import { beaconValue, bundleDigest, contextHash, ConsensusVerifier, decodeBundle, encodeBundle, stakeCertificateDigest } from '../../src/consensus/index.ts'
import { toHex } from '../../src/consensus/encoding.ts'
import type { ConsensusTrustRoot, Expectation } from '../../src/consensus/index.ts'

interface Vector {
  profile: string
  paramsId: string
  meshRoot: ConsensusTrustRoot
  now: number
  expected: Expectation
  intermediate: Record<string, string | number>
  bundle: string
}

async function load (profile: string): Promise<Vector> {
  return JSON.parse(await readFile(new URL(`../../protocols/consensus/vectors/bundle-${profile}.json`, import.meta.url), 'utf8'))
}

for (const profile of ['test', 'production']) {
  describe(`consensus vector: ${profile} profile`, () => {
    it('verifies, and its intermediate values follow SPEC.md', async () => {
      const v = await load(profile)
      const bytes = new Uint8Array(Buffer.from(v.bundle, 'base64'))
      const result = new ConsensusVerifier(v.meshRoot, { now: () => v.now }).verify(bytes, v.expected)
      assert.equal(result.epoch, v.intermediate.epoch)
      const b = decodeBundle(bytes)
      assert.deepEqual(encodeBundle(b), bytes)
      assert.equal(b.paramsId, v.paramsId)
      const beacon = beaconValue(v.meshRoot.meshId, b.epoch, b.beacon)
      assert.equal(toHex(beacon), v.intermediate.beacon)
      const ctx = contextHash({ ...v.expected, epoch: b.epoch, beacon, trustRootId: v.meshRoot.meshId, paramsId: v.paramsId })
      assert.equal(toHex(ctx), v.intermediate.contextHash)
      assert.equal(toHex(b.plotRoot), v.intermediate.plotRoot)
      assert.equal(toHex(stakeCertificateDigest(b.stake)), v.intermediate.stakeCertificateDigest)
      assert.equal(toHex(bundleDigest(b, ctx)), v.intermediate.bundleDigest)
      assert.equal(b.work.nonce, v.intermediate.workNonce)
      assert.equal(result.bundleDigest, v.intermediate.bundleDigest)
    })

    it('is rejected a minute after its epochs end, and for another package', async () => {
      const v = await load(profile)
      const bytes = new Uint8Array(Buffer.from(v.bundle, 'base64'))
      assert.throws(() => new ConsensusVerifier(v.meshRoot, { now: () => v.now + 180_000 }).verify(bytes, v.expected), { name: 'EpochStaleError' })
      assert.throws(() => new ConsensusVerifier(v.meshRoot, { now: () => v.now }).verify(bytes, { ...v.expected, digest: 'x' }), { name: 'DigestMismatchError' })
    })

    it('rejects random byte flips with a named error', async () => {
      const v = await load(profile)
      const bytes = new Uint8Array(Buffer.from(v.bundle, 'base64'))
      fc.assert(fc.property(fc.integer({ min: 0, max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        const flipped = bytes.slice()
        flipped[position] ^= mask
        assert.throws(() => new ConsensusVerifier(v.meshRoot, { now: () => v.now }).verify(flipped, v.expected), (err: Error) => err instanceof ConsensusError)
      }), { numRuns: 60 })
    })
  })
}
