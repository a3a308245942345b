import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SendBuffers } from '../../src/transfer/send-buffers.ts'

describe('SendBuffers', () => {
  it('reuses a buffer only once the answer it went out in is acknowledged', () => {
    const pool = new SendBuffers(4)
    const a = pool.take(100)
    pool.sent(0, a)
    const b = pool.take(100)
    pool.sent(1, b)
    // nothing acknowledged: a third read must not overwrite a or b
    pool.acknowledged(0)
    const c = pool.take(100)
    assert.notEqual(c.buffer, a.buffer)
    assert.notEqual(c.buffer, b.buffer)
    // answer 0 received whole: its buffer comes back, answer 1's does not
    pool.acknowledged(1)
    const d = pool.take(60)
    assert.equal(d.buffer, a.buffer)
    assert.equal(d.length, 60)
    assert.notEqual(pool.take(100).buffer, b.buffer)
  })

  it('keeps at most `max` buffers and forgets the rest, which are never handed out twice', () => {
    const pool = new SendBuffers(2)
    const taken = [pool.take(10), pool.take(10), pool.take(10)]
    taken.forEach((t, i) => { pool.sent(i, t) })
    pool.acknowledged(3)
    const again = new Set([pool.take(10).buffer, pool.take(10).buffer, pool.take(10).buffer])
    assert.ok(again.has(taken[0].buffer) && again.has(taken[1].buffer))
    assert.equal(again.has(taken[2].buffer), false)
  })

  it('gives a larger block a buffer of its own rather than one too small', () => {
    const pool = new SendBuffers(4)
    const small = pool.take(10)
    pool.sent(0, small)
    pool.acknowledged(1)
    const big = pool.take(20)
    assert.equal(big.length, 20)
    assert.notEqual(big.buffer, small.buffer)
  })
})
