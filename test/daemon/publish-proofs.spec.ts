import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { publishProofs } from '../../src/daemon/publish-proofs.ts'
import { PublishProofChecker, proofCid } from '../../src/registry/index.ts'
import type { RecordVersion } from '../../src/registry/index.ts'
import { bundleFor, DIGEST, makeMesh } from '../consensus/fixture.ts'
import type { Mesh } from '../consensus/fixture.ts'

const DAY = 24 * 60 * 60 * 1000

/** A record version naming `bundle` as its publish proof, published at `at`. */
function versionWith (bundle: Uint8Array | undefined, at: number, manifest = DIGEST): RecordVersion {
  return {
    version: '1.0.0', manifest, root: DIGEST, size: 1, category: 'AssetLibrary', assets: [], published: new Date(at).toISOString(),
    ...(bundle !== undefined ? { proof: proofCid(bundle).toString() } : {})
  } as unknown as RecordVersion
}

describe('publish proofs: made by consensus, checked by the registry when it fetches', () => {
  let mesh: Mesh
  let good: Uint8Array
  before(async () => {
    mesh = await makeMesh('test')
    good = await bundleFor(mesh, { op: 'publish' })
  })

  const checker = (): PublishProofChecker => new PublishProofChecker(publishProofs({ root: mesh.root, prove: async () => good }))

  it('verifies a publish bundle as of its version\'s publication time, even a day later, and only once', async () => {
    const c = checker()
    let fetches = 0
    const fetch = async (): Promise<Uint8Array> => { fetches++; return good }
    // the clock is long past the proof's epoch: the version's signed publication time is what counts
    await c.check('hello', versionWith(good, mesh.now), fetch)
    await c.check('hello', versionWith(good, mesh.now), fetch)
    assert.equal(fetches, 1)
  })

  it('refuses by name: no proof, a proof of another package, of another operation, or at another time', async () => {
    await assert.rejects(checker().check('hello', versionWith(undefined, mesh.now), async () => good), { name: 'PublishProofMissingError' })
    await assert.rejects(checker().check('hello', versionWith(good, mesh.now, 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s5222'), async () => good), { name: 'DigestMismatchError' })
    const install = await bundleFor(mesh, { op: 'install' })
    await assert.rejects(checker().check('hello', versionWith(install, mesh.now), async () => install), { name: 'OperationMismatchError' })
    // a version claiming a publication a day after the proof's epoch: the proof is stale for it
    await assert.rejects(checker().check('hello', versionWith(good, mesh.now + DAY), async () => good), (err: Error) => /Epoch/.test(err.name))
  })

  it('prove asks consensus for a publish bundle of the digest', async () => {
    const asked: unknown[] = []
    const proofs = publishProofs({ root: mesh.root, prove: async (request) => { asked.push(request); return good } })
    assert.equal(await proofs.prove(DIGEST), good)
    assert.deepEqual(asked, [{ op: 'publish', digest: DIGEST }])
  })
})
