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
    h = await startHarness({
      proofVerifier: consensusProofVerifier(consensus, NODE_ID),
      lifecycleTimeoutMs: 300,
      policy: { default: ['AssetManagement'], extensions: { 'slow-init': ['ProxyAccess'] } },
      providers: { ProxyAccess: { never: async () => await new Promise(() => {}) } }
    }, async dir => {
      await writeExtension(dir, { id: 'slow-init', capabilities: ['ProxyAccess'], code: 'export async function initialize () { await hm.call("ProxyAccess", "never") }' })
      await writeExtension(dir, {
        id: 'library',
        category: 'AssetLibrary',
        code: `const installed = []
export function listPackages (filter) { return [{ id: 'a', category: filter.category ?? 'any' }] }
export function installPackage (id, options) { installed.push(id); return { installed, options } }
export function deployAsset (spec) { return { deployed: spec.name } }`
      })
      const keeper = `export async function put (key, value) { await hm.storage.put(key, hm.utf8.encode(value)) }
export async function get (key) { const v = await hm.storage.get(key); return v == null ? null : hm.utf8.decode(v) }`
      await writeExtension(dir, { id: 'keeper-a', code: keeper })
      await writeExtension(dir, { id: 'keeper-b', code: keeper })
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

  it('an initialize that never finishes times out by name and leaves nothing running', async () => {
    await assert.rejects(h.manager.loadExtension('slow-init'), { name: 'ExtensionLifecycleTimeoutError', message: /initialize/ })
    assert.equal(h.manager.getExtension('slow-init')?.state, 'unloaded')
    assert.deepEqual(await assetLibrary(h.manager, 'library').listPackages(), [{ id: 'a', category: 'any' }])
  })

  it('each extension sees only its own storage, whatever key it uses', async () => {
    await h.manager.call('keeper-a', 'put', ['secret', 'a-value ✓ ünïcode'])
    await h.manager.call('keeper-b', 'put', ['secret', 'b-value'])
    assert.equal(await h.manager.call('keeper-a', 'get', ['secret']), 'a-value ✓ ünïcode')
    assert.equal(await h.manager.call('keeper-b', 'get', ['secret']), 'b-value')
    assert.equal(await h.manager.call('keeper-b', 'get', ['keeper-a\u0000secret']), null)
    assert.equal(await h.manager.call('keeper-b', 'get', ['../keeper-a/secret']), null)
  })

  it('the extension host runs under the permission model: no reads outside its code, no writes, processes or workers', async () => {
    assert.deepEqual(await h.manager.hostPermissions(), {
      permissionModel: true, readOutsideOwnCode: false, write: false, childProcess: false, worker: false
    })
  })
})
