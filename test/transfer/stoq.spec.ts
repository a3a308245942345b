import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pack, unpack, MIN_CHUNK_SIZE } from '../../src/package/index.ts'
import { createStoqNode } from '../helpers/stoq-node.ts'
import type { StoqNode } from '../helpers/stoq-node.ts'

const CHUNK = MIN_CHUNK_SIZE

async function fileOf (size: number): Promise<{ path: string, data: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'hm-src-'))
  const data = randomBytes(size)
  const path = join(dir, `f${size}.bin`)
  await writeFile(path, data)
  return { path, data }
}

describe('stoq between two in-process nodes', () => {
  const nodes: StoqNode[] = []
  after(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  for (const transport of ['tcp', 'quic'] as const) {
    it(`fetches a manifest and its content over ${transport}, then unpacks it byte-identical`, async () => {
      const a = await createStoqNode()
      const b = await createStoqNode()
      nodes.push(a, b)
      const { path, data } = await fileOf(5 * CHUNK + 123)
      const packed = await pack(path, a.store, { chunkSize: CHUNK })
      const events: string[] = []
      const r = await b.stoq.fetch(packed.manifestCid, { providers: [a.addr(transport)], onProgress: e => events.push(e.type) })
      assert.equal(r.root, packed.root.toString())
      assert.equal(r.fetchedChunks, 6)
      assert.equal(r.size, data.length)
      assert.ok(events.includes('stoq:fetch:providers') && events.includes('stoq:fetch:manifest') && events.includes('stoq:fetch:root') && events.includes('stoq:fetch:done'))
      assert.equal(events.filter(e => e === 'stoq:fetch:chunk').length, 6)
      const out = join(b.dir, 'out')
      await unpack(r.manifest!, b.store, out)
      assert.deepEqual(await readFile(join(out, `f${data.length}.bin`)), data)
      // a second fetch is served from the store without any provider
      const again = await b.stoq.fetch(packed.manifestCid, { providers: [] })
      assert.equal(again.fetchedChunks, 0)
      assert.equal(again.resumedChunks, 6)
    })
  }

  it('reports NOT_FOUND as NoProviders-style failure when the provider lacks the root', async () => {
    const a = await createStoqNode()
    const b = await createStoqNode()
    nodes.push(a, b)
    const other = await createStoqNode()
    nodes.push(other)
    const { path } = await fileOf(10)
    const packed = await pack(path, other.store, { chunkSize: CHUNK })
    await assert.rejects(b.stoq.fetch(packed.root, { providers: [a.addr('tcp')] }), { name: 'StoqRemoteError' })
  })

  it('refuses a root larger than maxSize before fetching chunks', async () => {
    const a = await createStoqNode()
    const b = await createStoqNode()
    nodes.push(a, b)
    const { path } = await fileOf(3 * CHUNK)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    await assert.rejects(b.stoq.fetch(packed.root, { providers: [a.addr('tcp')], maxSize: 3 * CHUNK - 1 }), { name: 'InvalidRootObjectError' })
    assert.equal(await b.store.has(packed.root), false)
  })
})
