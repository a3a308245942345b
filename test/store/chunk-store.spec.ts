import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '../../src/store/index.ts'
import { cidOf, RAW_CODEC, encodeRootObject, rootCidOf, blake3Hash, chunkCidAt, MIN_CHUNK_SIZE } from '../../src/package/index.ts'

const tmp = async (): Promise<string> => await mkdtemp(join(tmpdir(), 'hm-store-'))
const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

describe('chunk store', () => {
  it('puts, has, gets and deletes a verified block', async () => {
    const store = await createStore({ dir: await tmp() })
    const data = bytes(1000)
    const cid = cidOf(RAW_CODEC, data)
    assert.equal(await store.has(cid), false)
    await assert.rejects(store.get(cid), { name: 'BlockNotFoundError' })
    await store.put(cid, data)
    assert.equal(await store.has(cid), true)
    assert.deepEqual(new Uint8Array(await store.get(cid)), data)
    assert.equal(store.usage().used, 1000)
    await store.delete(cid)
    assert.equal(await store.has(cid), false)
    assert.equal(store.usage().used, 0)
    await store.close()
  })

  it('makes every shard directory when the store is new, and stores into a shard removed behind its back', async () => {
    const dir = await tmp()
    const store = await createStore({ dir })
    const shards = await readdir(join(dir, 'blocks'))
    assert.equal(shards.length, 32 * 32)
    const data = bytes(100)
    const cid = cidOf(RAW_CODEC, data)
    await rm(join(dir, 'blocks', cid.toString().slice(-2)), { recursive: true })
    await store.put(cid, data)
    assert.deepEqual(new Uint8Array(await store.get(cid)), data)
    await store.close()
    const reopened = await createStore({ dir })
    assert.equal(reopened.usage().used, 100)
    await reopened.close()
  })

  it('puts a block given in pieces, verified and written without joining', async () => {
    const store = await createStore({ dir: await tmp() })
    const data = bytes(3000)
    const cid = cidOf(RAW_CODEC, data)
    await assert.rejects(store.put(cid, [data.subarray(0, 1000), data.subarray(1001)]), { name: 'BlockHashMismatchError' })
    await store.put(cid, [data.subarray(0, 1000), data.subarray(1000, 2500), data.subarray(2500)])
    assert.deepEqual(new Uint8Array(await store.get(cid)), data)
    assert.equal(store.usage().used, 3000)
    await store.close()
  })

  it('refuses bytes that do not hash to the CID, writing nothing', async () => {
    const dir = await tmp()
    const store = await createStore({ dir })
    const cid = cidOf(RAW_CODEC, bytes(10))
    await assert.rejects(store.put(cid, bytes(10, 2)), { name: 'BlockHashMismatchError' })
    assert.equal(await store.has(cid), false)
    assert.deepEqual(await readdir(join(dir, 'tmp')), [])
    await store.close()
  })

  it('refuses beyond the quota with a named error', async () => {
    const store = await createStore({ dir: await tmp(), quota: 1500 })
    await store.put(cidOf(RAW_CODEC, bytes(1000)), bytes(1000))
    await assert.rejects(store.put(cidOf(RAW_CODEC, bytes(1000, 2)), bytes(1000, 2)), { name: 'QuotaExceededError' })
    // concurrent puts cannot overshoot together
    const results = await Promise.allSettled([3, 4, 5].map(async s => { await store.put(cidOf(RAW_CODEC, bytes(300, s)), bytes(300, s)) }))
    assert.equal(results.filter(r => r.status === 'fulfilled').length, 1)
    assert.ok(store.usage().used <= 1500)
    await store.close()
  })

  it('detects and removes a block corrupted on disk', async () => {
    const dir = await tmp()
    const store = await createStore({ dir })
    const data = bytes(100)
    const cid = cidOf(RAW_CODEC, data)
    await store.put(cid, data)
    const s = cid.toString()
    await writeFile(join(dir, 'blocks', s.slice(-2), s), bytes(100, 9))
    await assert.rejects(store.get(cid), { name: 'CorruptBlockError' })
    assert.equal(await store.has(cid), false)
    await store.close()
  })

  it('tracks partial roots across a reopen, completes them, and collects unpinned content', async () => {
    const dir = await tmp()
    let store = await createStore({ dir })
    const chunks = [bytes(MIN_CHUNK_SIZE, 1), bytes(MIN_CHUNK_SIZE, 2), bytes(10, 3)]
    const hashes = new Uint8Array(96)
    chunks.forEach((c, i) => hashes.set(blake3Hash(c), i * 32))
    const obj = { size: 2 * MIN_CHUNK_SIZE + 10, chunkSize: MIN_CHUNK_SIZE, hashes }
    const rootBytes = encodeRootObject(obj)
    const root = rootCidOf(rootBytes)
    await store.putRoot(root, rootBytes)
    await store.putChunk(root, 0, chunkCidAt(obj, 0), chunks[0])
    await store.putChunk(root, 2, chunkCidAt(obj, 2), chunks[2])
    await assert.rejects(store.completeRoot(root), { name: 'BlockNotFoundError' })
    await store.close()
    // a leftover temp file (a crash mid-write) is cleared on open
    await writeFile(join(dir, 'tmp', 'orphan'), 'x')
    store = await createStore({ dir })
    assert.deepEqual(await readdir(join(dir, 'tmp')), [])
    assert.deepEqual([...await store.presentChunks(root)].sort(), [0, 2])
    assert.deepEqual(await store.rootState(root), { size: obj.size, chunkSize: MIN_CHUNK_SIZE, complete: false, chunks: 3, present: 2 })
    await store.putChunk(root, 1, chunkCidAt(obj, 1), chunks[1])
    await store.completeRoot(root)
    assert.equal((await store.rootState(root))?.complete, true)
    const all: Uint8Array[] = []
    for await (const c of store.cat(root)) all.push(c)
    assert.deepEqual(Buffer.concat(all), Buffer.concat(chunks))

    await store.pin(root)
    const stray = bytes(50, 7)
    await store.put(cidOf(RAW_CODEC, stray), stray)
    assert.deepEqual(await store.gc(), { removed: 1, freed: 50 })
    assert.equal(await store.has(chunkCidAt(obj, 1)), true)
    await store.unpin(root)
    const r = await store.gc()
    assert.equal(r.removed, 4)
    assert.equal(store.usage().used, 0)
    assert.equal(await store.rootState(root), undefined)
    await store.close()
    await rm(dir, { recursive: true })
  })

  it('records chunks stored concurrently (one index batch) before each putChunk resolves, and refuses a bad one', async () => {
    const dir = await tmp()
    let store = await createStore({ dir })
    const chunks = Array.from({ length: 9 }, (_, i) => bytes(MIN_CHUNK_SIZE, i + 10))
    const hashes = new Uint8Array(32 * chunks.length)
    chunks.forEach((c, i) => hashes.set(blake3Hash(c), i * 32))
    const obj = { size: chunks.length * MIN_CHUNK_SIZE, chunkSize: MIN_CHUNK_SIZE, hashes }
    const rootBytes = encodeRootObject(obj)
    const root = rootCidOf(rootBytes)
    await store.putRoot(root, rootBytes)
    await assert.rejects(store.putChunk(root, 8, chunkCidAt(obj, 8), chunks[7]), { name: 'BlockHashMismatchError' })
    await Promise.all(chunks.slice(0, 8).map(async (c, i) => { await store.putChunk(root, i, chunkCidAt(obj, i), c) }))
    await store.close()
    store = await createStore({ dir })
    assert.deepEqual([...await store.presentChunks(root)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7])
    assert.equal(await store.has(chunkCidAt(obj, 8)), false)
    assert.equal(store.usage().used, 8 * MIN_CHUNK_SIZE + rootBytes.length)
    await store.close()
  })

  it('refuses use after close', async () => {
    const store = await createStore({ dir: await tmp() })
    await store.close()
    await assert.rejects(store.has(cidOf(RAW_CODEC, bytes(1))), { name: 'StoreClosedError' })
  })
})
