import assert from 'node:assert/strict'
import { PerformanceObserver } from 'node:perf_hooks'
import type { PerformanceEntry } from 'node:perf_hooks'
import { describe, it } from 'node:test'
import { IdSet, MAX_SLOTS, SlotTable } from '../../../src/extension-manager/host/slot-table.ts'

/** Objects allocated to trigger the scavenges that promote a table before its churn starts. */
const PROMOTING_ALLOCATIONS = 3_000_000

/** Entries added and taken in the churn: enough for tens of scavenges. */
const CHURN_OPERATIONS = 400_000

/** Entries in flight during the churn, as many as the concurrency quota's default. */
const IN_FLIGHT = 100

/** PerformanceEntry detail.kind of a scavenge (NODE_PERFORMANCE_GC_MINOR). */
const MINOR_GC = 1

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

  it('keeps scavenges short under churn, where a long-lived Map chains its old tables', async () => {
    // the hot-path pattern: a long-lived table (already in the old generation) while entries
    // holding a promise each come and go, about 100 in flight; a scavenge should copy little
    // more than those, not everything allocated since the last one
    const entries: PerformanceEntry[] = []
    const observer = new PerformanceObserver(list => { entries.push(...list.getEntries()) })
    observer.observe({ entryTypes: ['gc'] })
    await new Promise(resolve => setTimeout(resolve, 10))
    const churn = (store: { add: (v: object) => number, take: (id: number) => unknown }): [number, number] => {
      let junk: unknown
      // scavenges while the store sits idle move it (and its table) to the old generation
      for (let i = 0; i < PROMOTING_ALLOCATIONS; i++) junk = { i }
      assert.ok(junk != null)
      const start = performance.now()
      const inFlight: number[] = []
      for (let i = 0; i < CHURN_OPERATIONS; i++) {
        inFlight.push(store.add({ i, payload: new Array(8).fill(i), done: Promise.resolve(i) }))
        if (inFlight.length > IN_FLIGHT) store.take(inFlight.shift()!)
      }
      return [start, performance.now()]
    }
    const slotWindow = churn(new SlotTable())
    const map = new Map<number, object>()
    let next = 0
    const mapWindow = churn({ add: v => { map.set(next, v); return next++ }, take: id => map.delete(id) })
    // gc entries are delivered after the synchronous loops
    await new Promise(resolve => setTimeout(resolve, 50))
    observer.disconnect()
    const scavengeMs = ([start, end]: [number, number]): number => entries
      .filter(e => e.startTime >= start && e.startTime <= end && (e as { detail?: { kind?: number } }).detail?.kind === MINOR_GC)
      .reduce((sum, e) => sum + e.duration, 0)
    const mapMs = scavengeMs(mapWindow)
    const slotMs = scavengeMs(slotWindow)
    assert.ok(slotMs * 2 < mapMs, `scavenges: slot table ${slotMs.toFixed(1)} ms, Map ${mapMs.toFixed(1)} ms`)
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
