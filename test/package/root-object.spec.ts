import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from 'cborg'
import { encodeRootObject, decodeRootObject, chunkCount, chunkLength, chunkCidAt, MIN_CHUNK_SIZE, RAW_CODEC } from '../../src/package/index.ts'

const obj = (size: number, chunkSize = MIN_CHUNK_SIZE, extra = 0) => ({ size, chunkSize, hashes: new Uint8Array((chunkCount(size, chunkSize) + extra) * 32).fill(7) })

describe('root object', () => {
  for (const size of [0, 1, MIN_CHUNK_SIZE - 1, MIN_CHUNK_SIZE, MIN_CHUNK_SIZE + 1, 10 * MIN_CHUNK_SIZE]) {
    it(`round-trips size ${size}`, () => {
      const o = obj(size)
      assert.deepEqual(decodeRootObject(encodeRootObject(o)), o)
    })
  }

  it('chunk lengths add up and chunk CIDs are raw', () => {
    const o = obj(2 * MIN_CHUNK_SIZE + 5)
    assert.deepEqual([0, 1, 2].map(i => chunkLength(o, i)), [MIN_CHUNK_SIZE, MIN_CHUNK_SIZE, 5])
    assert.equal(chunkCidAt(o, 2).code, RAW_CODEC)
  })

  it('refuses a chunk list longer than the size allows', () => {
    assert.throws(() => decodeRootObject(encodeRootObject(obj(100, MIN_CHUNK_SIZE, 1))), { name: 'InvalidRootObjectError' })
  })

  it('refuses a root promising more than maxSize', () => {
    assert.throws(() => decodeRootObject(encodeRootObject(obj(100)), { maxSize: 99 }), { name: 'InvalidRootObjectError' })
  })

  it('refuses unknown fields, versions, and a chunk size out of range', () => {
    assert.throws(() => decodeRootObject(encode({ v: 1, size: 0, chunk: MIN_CHUNK_SIZE, hashes: new Uint8Array(0), x: 1 })), { name: 'InvalidRootObjectError' })
    assert.throws(() => decodeRootObject(encode({ v: 2, size: 0, chunk: MIN_CHUNK_SIZE, hashes: new Uint8Array(0) })), { name: 'InvalidRootObjectError' })
    assert.throws(() => decodeRootObject(encode({ v: 1, size: 0, chunk: 1, hashes: new Uint8Array(0) })), { name: 'InvalidRootObjectError' })
    assert.throws(() => decodeRootObject(new Uint8Array([0xff])), { name: 'InvalidRootObjectError' })
  })
})
