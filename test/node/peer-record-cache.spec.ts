import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { PeerRecordCache } from '../../src/node/peer-record-cache.ts'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('PeerRecordCache', () => {
  let dir: string
  let level: LevelDatastore
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-peer-cache-'))
    level = new LevelDatastore(join(dir, 'db'))
    await level.open()
  })
  after(async () => {
    await level.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps records whose batch failed to commit, and writes them at the next flush', async () => {
    let fail = true
    const flaky = new Proxy(level, {
      get: (target, prop) => prop === 'batch'
        ? () => {
            const batch = target.batch()
            return { put: batch.put.bind(batch), delete: batch.delete.bind(batch), commit: async () => { if (fail) throw new Error('disk full'); await batch.commit() } }
          }
        : (target as any)[prop]?.bind?.(target) ?? (target as any)[prop]
    })
    const cache = new PeerRecordCache(flaky)
    const key = new Key('/peers/flaky')
    await cache.put(key, bytes('kept'))
    await assert.rejects(cache.flush(), /disk full/)
    assert.equal(await level.has(key), false)
    fail = false
    await cache.flush()
    assert.equal(text(await level.get(key)), 'kept')
  })

  it('keeps peer records in memory until flushed, then writes the newest', async () => {
    const cache = new PeerRecordCache(level)
    const key = new Key('/peers/a1')
    await cache.put(key, bytes('one'))
    await cache.put(key, bytes('two'))
    assert.equal(text(await cache.get(key)), 'two')
    assert.equal(await cache.has(key), true)
    assert.equal(await level.has(key), false, 'written behind, not at once')
    await cache.flush()
    assert.equal(text(await level.get(key)), 'two')
  })

  it('writes every other key straight through', async () => {
    const cache = new PeerRecordCache(level)
    const key = new Key('/dht/record/abc')
    await cache.put(key, bytes('record'))
    assert.equal(text(await level.get(key)), 'record')
    assert.equal(text(await cache.get(key)), 'record')
  })

  it('reads a peer record it does not hold from LevelDB, and answers later reads from memory', async () => {
    const key = new Key('/peers/b2')
    await level.put(key, bytes('stored'))
    const cache = new PeerRecordCache(level)
    assert.equal(text(await cache.get(key)), 'stored')
    await level.put(key, bytes('changed underneath'))
    assert.equal(text(await cache.get(key)), 'stored')
    await assert.rejects(cache.get(new Key('/peers/missing')), { name: 'NotFoundError' })
  })

  it('a query sees records not yet flushed', async () => {
    const cache = new PeerRecordCache(level)
    await cache.put(new Key('/peers/c3'), bytes('pending'))
    const found = []
    for await (const { key, value } of cache.query({ prefix: '/peers/c' })) found.push([key.toString(), text(value)])
    assert.deepEqual(found, [['/peers/c3', 'pending']])
  })

  it('a delete removes a pending record and the stored one', async () => {
    const cache = new PeerRecordCache(level)
    const key = new Key('/peers/d4')
    await cache.put(key, bytes('x'))
    await cache.flush()
    await cache.put(key, bytes('y'))
    await cache.delete(key)
    await cache.flush()
    assert.equal(await cache.has(key), false)
    assert.equal(await level.has(key), false)
  })
})
