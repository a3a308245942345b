import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, stat, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { DIRECT_MIN_BYTES, DirectWrites } from '../../src/store/direct-writes.ts'
import { createStore } from '../../src/store/index.ts'
import { cidOf, RAW_CODEC } from '../../src/package/index.ts'

const MiB = 1024 * 1024

describe('direct writes', () => {
  it('writes blocks of unaligned lengths, given whole or in pieces, many at once, byte-exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hm-direct-'))
    const direct = new DirectWrites()
    // more writes than staging slots, so some wait for a slot another write gives back
    const blocks = Array.from({ length: 9 }, (_, i) => randomBytes(DIRECT_MIN_BYTES + i * 70_001))
    const written = await Promise.all(blocks.map(async (b, i) => {
      const pieces = i % 2 === 0 ? b : [b.subarray(0, 5), b.subarray(5, 4097), b.subarray(4097)]
      return await direct.write(join(dir, String(i)), pieces, b.length, i === 0)
    }))
    // the test dir is on a file system that takes O_DIRECT (ext4 here; tmpfs too since Linux 6.6)
    assert.deepEqual(written, blocks.map(() => true))
    for (const [i, b] of blocks.entries()) {
      assert.equal((await stat(join(dir, String(i)))).size, b.length)
      assert.deepEqual(await readFile(join(dir, String(i))), b)
    }
    await rm(dir, { recursive: true })
  })

  it('is not used for small blocks', () => {
    assert.equal(new DirectWrites().wants(DIRECT_MIN_BYTES - 1), false)
    assert.equal(new DirectWrites(false).wants(MiB), false)
  })

  it('stores, reopens and serves a fetched chunk written directly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hm-direct-store-'))
    const store = await createStore({ dir })
    const data = randomBytes(MiB + 3)
    const cid = cidOf(RAW_CODEC, data)
    await store.putChunk(cidOf(RAW_CODEC, randomBytes(8)), 0, cid, [data.subarray(0, 100), data.subarray(100)])
    await store.close()
    const reopened = await createStore({ dir })
    assert.equal(reopened.usage().used, MiB + 3)
    assert.deepEqual(Buffer.from(await reopened.get(cid)), data)
    await reopened.close()
    await rm(dir, { recursive: true })
  })
})
