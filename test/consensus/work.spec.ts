import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { leadingZeroBits, solveWork, verifyWork, workHash } from '../../src/consensus/work.ts'

describe('hashcash work', () => {
  const ctx = new Uint8Array(32).fill(1)
  const root = new Uint8Array(32).fill(2)

  it('counts leading zero bits', () => {
    assert.equal(leadingZeroBits(Uint8Array.of(0, 0x10, 0xff)), 11)
    assert.equal(leadingZeroBits(Uint8Array.of(0x80)), 0)
    assert.equal(leadingZeroBits(new Uint8Array(4)), 32)
  })

  it('finds the first nonce meeting the difficulty and verifies it with one hash', async () => {
    const nonce = await solveWork(ctx, root, 10)
    assert.ok(leadingZeroBits(workHash(ctx, root, nonce)) >= 10)
    for (let n = 0; n < nonce; n++) assert.ok(leadingZeroBits(workHash(ctx, root, n)) < 10)
    verifyWork(ctx, root, nonce, 10)
  })

  it('binds the work to the context and the plot root', async () => {
    const nonce = await solveWork(ctx, root, 12)
    assert.throws(() => verifyWork(new Uint8Array(32), root, nonce, 12), { name: 'WorkInvalidError' })
    assert.throws(() => verifyWork(ctx, new Uint8Array(32), nonce, 12), { name: 'WorkInvalidError' })
  })

  it('stops when aborted', async () => {
    await assert.rejects(solveWork(ctx, root, 64, { signal: AbortSignal.abort() }), { name: 'AbortError' })
  })
})
