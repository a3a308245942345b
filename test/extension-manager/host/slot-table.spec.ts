import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IdSet, MAX_SLOTS, SlotTable } from '../../../src/extension-manager/host/slot-table.ts'

describe('SlotTable', () => {
  it('gives each value an id that takes it back once', () => {
    const table = new SlotTable<{ n: number }>()
    const a = table.add({ n: 1 })
    const b = table.add({ n: 2 })
    assert.notEqual(a, b)
    assert.equal(table.size, 2)
    assert.deepEqual(table.take(a), { n: 1 })
    assert.equal(table.take(a), undefined, 'taken already')
    assert.equal(table.size, 1)
    assert.deepEqual(table.ids(), [b])
    assert.deepEqual(table.values(), [{ n: 2 }])
  })

  it('reuses a freed slot under a new id, so a late answer to the old id finds nothing', () => {
    const table = new SlotTable<{ n: number }>()
    const old = table.add({ n: 1 })
    table.take(old)
    const reused = table.add({ n: 2 })
    assert.equal(reused % MAX_SLOTS, old % MAX_SLOTS, 'same slot')
    assert.notEqual(reused, old)
    assert.equal(table.take(old), undefined, 'the old id does not reach the new value')
    assert.deepEqual(table.take(reused), { n: 2 })
  })

  it('never grows past the values in flight', () => {
    const table = new SlotTable<object>()
    for (let round = 0; round < 1000; round++) {
      const ids = Array.from({ length: 10 }, () => table.add({}))
      for (const id of ids) table.take(id)
    }
    const ids = Array.from({ length: 10 }, () => table.add({}))
    assert.deepEqual(ids.map(id => id % MAX_SLOTS).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })
})

describe('IdSet', () => {
  it('holds the ids a SlotTable gave out, and not an older id of a reused slot', () => {
    const table = new SlotTable<object>()
    const set = new IdSet()
    const old = table.add({})
    set.add(old)
    assert.equal(set.delete(old), true)
    table.take(old)
    const reused = table.add({})
    set.add(reused)
    assert.equal(set.delete(old), false, 'a late answer to the old id finds nothing')
    assert.deepEqual(set.values(), [reused])
    set.clear()
    assert.deepEqual(set.values(), [])
    assert.equal(set.delete(reused), false)
  })
})
