import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assetLibrary, consensusProofVerifier } from '../../src/extension-manager/index.ts'
import { writeExtension } from '../fixtures/extensions/packages.ts'
import { startHarness } from '../fixtures/extensions/manager.ts'
import type { Expectation } from '../../src/consensus/index.ts'
import type { Harness } from '../fixtures/extensions/manager.ts'

const NODE_ID = '12D3KooWTestNodeIdentity'
const VALID = new Uint8Array([1, 2, 3])

/** Stands in for ConsensusVerifier.verify: accepts exactly the VALID bytes and records what it was asked. */
class RecordingVerifier {
  readonly expectations: Expectation[] = []
  verify (bytes: Uint8Array, expected: Expectation): any {
    if (Buffer.compare(Buffer.from(bytes), Buffer.from(VALID)) !== 0) throw Object.assign(new Error('forged'), { name: 'WorkBelowPolicyError' })
    this.expectations.push(expected)
    return {}
  }
}

describe('integration points', () => {
  let h: Harness
  const consensus = new RecordingVerifier()
  before(async () => {
    h = await startHarness({ proofVerifier: consensusProofVerifier(consensus, NODE_ID) }, async dir => {
      await writeExtension(dir, {
        id: 'library',
        category: 'AssetLibrary',
        code: `const installed = []
export function listPackages (filter) { return [{ id: 'a', category: filter.category ?? 'any' }] }
export function installPackage (id, options) { installed.push(id); return { installed, options } }
export function deployAsset (spec) { return { deployed: spec.name } }`
      })
    })
  })
  after(async () => { await h.close() })

  it('an AssetLibrary serves listPackages freely and needs a verified proof for installPackage and deployAsset', async () => {
    const library = assetLibrary(h.manager, 'library')
    assert.deepEqual(await library.listPackages({ category: 'Tools' }), [{ id: 'a', category: 'Tools' }])
    await assert.rejects(library.installPackage('tool', { verifySignatures: true }), { name: 'ConsensusProofRequiredError' })
    await assert.rejects(library.installPackage('tool', { consensusProof: new Uint8Array([9]), packageDigest: 'bagaaTool' }), { name: 'WorkBelowPolicyError' })
    assert.deepEqual(await library.installPackage('tool', { verifySignatures: true, consensusProof: VALID, packageDigest: 'bagaaTool' }), { installed: ['tool'], options: { verifySignatures: true } })
    assert.deepEqual(await library.deployAsset({ name: 'vm-1' }, Buffer.from(VALID).toString('base64')), { deployed: 'vm-1' })
    const libraryDigest = h.manager.getExtension('library')?.digest
    assert.deepEqual(consensus.expectations, [
      { op: 'install', digest: 'bagaaTool', node: NODE_ID },
      { op: 'deploy', digest: libraryDigest, node: NODE_ID }
    ])
  })

  it('the extension host runs under the permission model: no reads outside its code, no writes, processes or workers', async () => {
    assert.deepEqual(await h.manager.hostPermissions(), {
      permissionModel: true, readOutsideOwnCode: false, write: false, childProcess: false, worker: false
    })
  })
})
