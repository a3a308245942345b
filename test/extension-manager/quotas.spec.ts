import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_QUOTAS, DEFAULT_RESTART_POLICY, MIN_MEMORY_BYTES, Semaphore, TokenBucket, resolveQuotas, restartDelay } from '../../src/extension-manager/index.ts'

describe('quotas', () => {
  it('defaults are the seed’s: CPU 25 %, 1 GiB, 10 GiB, 100 MB/s, 100 operations', () => {
    assert.deepEqual(resolveQuotas(), {
      cpuPercent: 25, cpuBurstMs: 1000, memoryBytes: 1024 ** 3, storageBytes: 10 * 1024 ** 3,
      networkBytesPerSecond: 100e6, concurrentOperations: 100, callTimeoutMs: 1000
    })
    assert.equal(DEFAULT_QUOTAS.concurrentOperations, 100)
  })

  it('layers overrides and keeps memory at the isolate minimum', () => {
    const q = resolveQuotas({ storageBytes: 5 }, undefined, { storageBytes: 7, memoryBytes: 1 })
    assert.equal(q.storageBytes, 7)
    assert.equal(q.memoryBytes, MIN_MEMORY_BYTES)
  })

  it('the semaphore refuses the one past its limit and frees on release', () => {
    const s = new Semaphore(2)
    assert.equal(s.tryAcquire(), true)
    assert.equal(s.tryAcquire(), true)
    assert.equal(s.tryAcquire(), false)
    assert.equal(s.inFlight, 2, 'a refused acquisition takes no slot')
    const { release } = s
    release()
    assert.equal(s.inFlight, 1, 'release works detached, as the host calls it')
    assert.equal(s.tryAcquire(), true)
    assert.equal(s.tryAcquire(), false)
  })

  it('the semaphore refuses a release without an acquisition, which would raise its limit', () => {
    const s = new Semaphore(1)
    assert.throws(() => { s.release() }, RangeError)
    assert.equal(s.tryAcquire(), true)
    assert.equal(s.tryAcquire(), false)
  })

  it('the token bucket makes a sender wait for its debt', async () => {
    const bucket = new TokenBucket(1000, 10)
    const start = performance.now()
    await bucket.take(10)
    await bucket.take(100)
    const elapsed = performance.now() - start
    assert.ok(elapsed >= 95 && elapsed < 250, `waited ${elapsed} ms for 100 tokens at 1000/s`)
  })

  it('restart delays double up to the cap', () => {
    const policy = { ...DEFAULT_RESTART_POLICY, initialDelayMs: 100, maxDelayMs: 500 }
    assert.deepEqual([1, 2, 3, 4, 5].map(n => restartDelay(policy, n)), [100, 200, 400, 500, 500])
  })
})
