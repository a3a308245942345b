import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RecordCache } from '../../src/assets/record-cache.ts'

describe('RecordCache', () => {
  it('holds at most its capacity; without reads the oldest entry goes first', () => {
    const cache = new RecordCache<string, number>(3)
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) cache.set(key, i)
    assert.equal(cache.size, 3)
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map(k => cache.get(k)), [undefined, undefined, 2, 3, 4])
  })

  it('an entry read since the last eviction pass survives it; an unread one goes', () => {
    const cache = new RecordCache<string, number>(3)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)
    cache.set('d', 4) // the hand clears a, b, c, then takes a
    assert.equal(cache.get('a'), undefined)
    assert.equal(cache.get('b'), 2) // b used again
    cache.set('e', 5) // the hand clears b (used again), then takes c
    assert.equal(cache.get('c'), undefined)
    assert.equal(cache.get('b'), 2)
    assert.equal(cache.get('d'), 4)
    assert.equal(cache.get('e'), 5)
    assert.equal(cache.size, 3)
  })

  it('setting a key it holds replaces the value without evicting anything; delete removes', () => {
    const cache = new RecordCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 10)
    assert.equal(cache.size, 2)
    assert.equal(cache.get('a'), 10)
    assert.equal(cache.get('b'), 2)
    cache.delete('a')
    assert.equal(cache.get('a'), undefined)
    assert.equal(cache.size, 1)
    cache.set('c', 3) // into the slot a left, so b stays
    assert.deepEqual([cache.get('b'), cache.get('c'), cache.size], [2, 3, 2])
  })

  it('refuses a capacity below one', () => {
    assert.throws(() => new RecordCache(0), RangeError)
  })
})
