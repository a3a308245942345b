import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ALIGNMENT, BlockBuffers, alignedRoom } from '../../src/store/block-buffers.ts'
import { DirectWrites } from '../../src/store/direct-writes.ts'

describe('block buffers', () => {
  it('lends aligned buffers of the asked length from one pool per block size, and reuses what is given back', () => {
    const size = 3 * ALIGNMENT + 5
    const pool = BlockBuffers.for(size)
    assert.equal(BlockBuffers.for(size), pool)
    const a = pool.take(size)
    const b = pool.take(100)
    assert.equal(a.length, size)
    assert.equal(b.length, 100)
    // slots are whole pages apart and never overlap
    assert.equal(alignedRoom(a), 4 * ALIGNMENT)
    assert.equal(alignedRoom(b), 4 * ALIGNMENT)
    assert.equal(a.buffer, b.buffer)
    assert.ok(Math.abs(a.byteOffset - b.byteOffset) >= 4 * ALIGNMENT)
    const made = pool.slots
    pool.give(b)
    const c = pool.take(size)
    assert.equal(c.byteOffset, b.byteOffset, 'the last buffer given back is lent next')
    assert.equal(pool.slots, made)
    assert.throws(() => pool.take(size + 1), RangeError)
    // an ordinary array is not a pool buffer: it is not taken back, nor written as aligned
    pool.give(new Uint8Array(size))
    assert.equal(alignedRoom(new Uint8Array(size)), 0)
    assert.equal(alignedRoom(a.subarray(1)), 0)
  })

  it('stops making slots at its cap and lends ordinary buffers past it', () => {
    const pool = BlockBuffers.for(4 * 1024 * 1024)
    const lent = Array.from({ length: 20 }, () => pool.take(1024))
    const aligned = lent.filter(b => alignedRoom(b) > 0)
    assert.equal(aligned.length, 16, '64 MiB of 4 MiB slots')
    assert.equal(pool.slots, 16)
    for (const b of lent) pool.give(b)
    assert.equal(pool.slots, 16)
  })

  it('is written with O_DIRECT straight from the buffer, byte-exact for unaligned lengths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hm-aligned-'))
    const pool = BlockBuffers.for(1024 * 1024)
    const direct = new DirectWrites()
    for (const length of [1024 * 1024, 1024 * 1024 - 1, 70_001]) {
      const buf = pool.take(length)
      buf.set(randomBytes(length))
      // stale bytes past the block's end are padding: written, then truncated away
      assert.equal(await direct.write(join(dir, String(length)), [buf], length, false), true)
      assert.equal((await stat(join(dir, String(length)))).size, length)
      assert.deepEqual(await readFile(join(dir, String(length))), Buffer.from(buf))
      pool.give(buf)
    }
    assert.equal((direct as any).allocated, false, 'no block went through a staging copy')
    await direct.write(join(dir, 'plain'), [randomBytes(70_001)], 70_001, false)
    assert.equal((direct as any).allocated, true, 'an ordinary buffer does')
    await rm(dir, { recursive: true })
  })
})
