import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { AssetManager, computeAssetId, isAssetId } from '../../src/assets/index.ts'
import type { AssetExtensionHandler } from '../../src/assets/index.ts'

function recordingHandler (): AssetExtensionHandler & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async create (spec) { calls.push('create'); return { metadata: { size: JSON.stringify(spec).length } } },
    async update (_record, patch) { calls.push('update'); return { metadata: patch as Record<string, unknown> } },
    async delete () { calls.push('delete') },
    operations: ['start'],
    async invoke (record, op, args) { calls.push(op); return { started: record.id, args } }
  }
}

describe('AssetManager', () => {
  let dir: string
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'hm-assets-')) })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('derives the AssetId from type and spec, independent of key order', () => {
    const a = computeAssetId('Container', { image: 'x', tag: 1 })
    assert.equal(a, computeAssetId('Container', { tag: 1, image: 'x' }))
    assert.notEqual(a, computeAssetId('Container', { image: 'x', tag: 2 }))
    assert.notEqual(a, computeAssetId('Library', { image: 'x', tag: 1 }))
    assert.ok(isAssetId(a))
    assert.ok(!isAssetId('not-a-cid'))
  })

  it('creates, reads, updates, invokes and deletes through the type handler, and persists records', async () => {
    const path = join(dir, 'crud')
    const handler = recordingHandler()
    let assets = await AssetManager.open({ path })
    assets.registerHandler('Container', 'ext-a', handler)
    const record = await assets.create('Container', { image: 'alpine' }, { metadata: { label: 'a' } })
    assert.equal(record.owner, 'ext-a')
    assert.deepEqual(record.metadata, { label: 'a', size: 18 })
    const again = await assets.create('Container', { image: 'alpine' })
    assert.equal(again.id, record.id)
    assert.deepEqual(handler.calls, ['create'], 'an existing asset is not created twice')
    const updated = await assets.update(record.id, { state: 'running' })
    assert.equal(updated.metadata.state, 'running')
    assert.deepEqual(await assets.invoke(record.id, 'start', 1), { started: record.id, args: 1 })
    await assert.rejects(assets.invoke(record.id, 'explode', 1), { name: 'AssetOperationNotSupportedError' })
    await assets.close()

    assets = await AssetManager.open({ path })
    assert.equal((await assets.get(record.id)).metadata.state, 'running', 'records survive a reopen')
    await assert.rejects(assets.update(record.id, {}), { name: 'NoAssetHandlerError' })
    assets.registerHandler('Container', 'ext-a', handler)
    await assets.delete(record.id)
    await assert.rejects(assets.get(record.id), { name: 'AssetNotFoundError' })
    await assets.close()
    await assert.rejects(assets.list(), { name: 'AssetManagerClosedError' })
  })

  it('keeps one handler per type, checks type names, and filters lists', async () => {
    const assets = await AssetManager.open({ path: join(dir, 'registry') })
    assets.registerHandler('Library', 'ext-a', recordingHandler())
    assert.throws(() => { assets.registerHandler('Library', 'ext-b', recordingHandler()) }, { name: 'AssetTypeAlreadyRegisteredError' })
    assert.throws(() => { assets.registerHandler('not a type', 'ext-b', recordingHandler()) }, { name: 'InvalidAssetTypeError' })
    assets.registerHandler('Dataset', 'ext-b', recordingHandler())
    await assets.create('Library', { n: 1 })
    await assets.create('Dataset', { n: 1 })
    await assets.create('Dataset', { n: 2 })
    assert.equal((await assets.list({ type: 'Dataset' })).length, 2)
    assert.equal((await assets.list({ owner: 'ext-a' })).length, 1)
    await assert.rejects(assets.create('VirtualMachine', {}), { name: 'NoAssetHandlerError' })
    assert.deepEqual(assets.unregisterHandlers('ext-b'), ['Dataset'])
    assert.deepEqual(assets.handlers.types(), [{ type: 'Library', owner: 'ext-a' }])
    await assets.close()
  })

  it('invoke hands the handler the cached record frozen, so no caller can change what the next one sees', async () => {
    const assets = await AssetManager.open({ path: join(dir, 'frozen') })
    const seen: Array<{ frozen: boolean, metadataFrozen: boolean }> = []
    assets.registerHandler('Container', 'ext-a', {
      ...recordingHandler(),
      async invoke (record) {
        seen.push({ frozen: Object.isFrozen(record), metadataFrozen: Object.isFrozen(record.metadata) })
        assert.throws(() => { (record.metadata as Record<string, unknown>).label = 'changed' }, TypeError)
        return record.metadata.label
      }
    })
    const record = await assets.create('Container', { image: 'x' }, { metadata: { label: 'a' } })
    assert.equal(await assets.invoke(record.id, 'start', null), 'a')
    assert.equal(await assets.invoke(record.id, 'start', null), 'a')
    assert.deepEqual(seen, [{ frozen: true, metadataFrozen: true }, { frozen: true, metadataFrozen: true }])
    const copy = await assets.get(record.id)
    copy.metadata.label = 'mine'
    assert.equal((await assets.get(record.id)).metadata.label, 'a', 'get() returns a copy the caller may change')
    await assert.rejects(assets.invoke(record.id, 'explode', null), { name: 'AssetOperationNotSupportedError' })
    await assets.close()
    await assert.rejects(assets.invoke(record.id, 'start', null), { name: 'AssetManagerClosedError' })
  })

  it('leaves no record when the handler fails', async () => {
    const assets = await AssetManager.open({ path: join(dir, 'failing') })
    assets.registerHandler('Container', 'ext-a', { ...recordingHandler(), create: async () => { throw new Error('boom') } })
    await assert.rejects(assets.create('Container', { a: 1 }), /boom/)
    assert.deepEqual(await assets.list(), [])
    await assets.close()
  })
})
