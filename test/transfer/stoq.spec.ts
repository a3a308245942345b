import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pack, unpack, cidOf, MIN_CHUNK_SIZE, RAW_CODEC } from '../../src/package/index.ts'
import { createStoqNode } from '../helpers/stoq-node.ts'
import type { StoqNode } from '../helpers/stoq-node.ts'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { PROTOCOL } from '../../src/transfer/index.ts'
import { SEND_BUFFERS_PER_STREAM } from '../../src/transfer/constants.ts'
import type { AdmissionHook } from '../../src/transfer/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'

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

  it('answers PERMISSION when the admission hook refuses, and the getter gives up on that provider', async () => {
    const seen: string[] = []
    const a = await createStoqNode({ init: { admit: req => { seen.push(req.peer); return false } } })
    const b = await createStoqNode()
    nodes.push(a, b)
    const { path } = await fileOf(2 * CHUNK)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    await assert.rejects(b.stoq.fetch(packed.root, { providers: [a.addr('tcp')] }), (err: any) => err.name === 'StoqRemoteError' && /PERMISSION/.test(err.message))
    assert.deepEqual(seen, [b.node.peerId.toString()])
  })

  it('uses three providers and duplicates at most one chunk per idle provider at the end (endgame)', async () => {
    const providers = [await createStoqNode(), await createStoqNode(), await createStoqNode()]
    const getter = await createStoqNode()
    nodes.push(...providers, getter)
    const { path, data } = await fileOf(40 * CHUNK)
    let packed: Awaited<ReturnType<typeof pack>> | undefined
    for (const p of providers) packed = await pack(path, p.store, { chunkSize: CHUNK })
    const r = await getter.stoq.fetch(packed!.manifestCid, { providers: providers.map(p => p.addr('tcp')) })
    assert.equal(r.fetchedChunks, 40)
    assert.equal(Object.keys(r.peers).length, 3)
    const served = providers.reduce((n, p) => n + p.stoq.provider.served, 0)
    // 40 chunks + manifest + root object, and at most one endgame duplicate per provider
    assert.ok(served <= 42 + providers.length, `served ${served} blocks`)
    const out = join(getter.dir, 'out')
    await unpack(r.manifest!, getter.store, out)
    assert.deepEqual(await readFile(join(out, `f${data.length}.bin`)), data)
  })

  for (const transport of ['tcp', 'quic'] as const) {
    it(`provider reads chunks into buffers it reuses once the getter acknowledged them, byte-identical over ${transport}`, async () => {
      const buffers = new Set<ArrayBufferLike>()
      // the provider's store, as STOQ sees it, notes the memory every raw chunk was read into
      const noting = (store: ChunkStore): ChunkStore => new Proxy(store, {
        get: (target, prop) => {
          if (prop === 'get') {
            return async (...args: Parameters<ChunkStore['get']>) => {
              const bytes = await target.get(...args)
              if (args[0].code === RAW_CODEC) buffers.add(bytes.buffer)
              return bytes
            }
          }
          const value = (target as any)[prop]
          return typeof value === 'function' ? value.bind(target) : value
        }
      })
      const provider = await createStoqNode({ wrapStore: noting })
      const getter = await createStoqNode({ init: { window: 4 } })
      nodes.push(provider, getter)
      const { path, data } = await fileOf(40 * CHUNK + 5)
      const packed = await pack(path, provider.store, { chunkSize: CHUNK })
      const r = await getter.stoq.fetch(packed.root, { providers: [provider.addr(transport)] })
      assert.equal(r.fetchedChunks, 41)
      assert.ok(buffers.size <= SEND_BUFFERS_PER_STREAM, `41 chunks were read into ${buffers.size} buffers`)
      const out = join(getter.dir, 'out')
      for await (const piece of getter.store.cat(packed.root)) await writeFile(out, piece, { flag: 'a' })
      assert.deepEqual(await readFile(out), data)
    })
  }

  it('keeps asking while received chunks wait for a slow store, and stops at `window` chunks unwritten', async () => {
    const provider = await createStoqNode()
    let release = (): void => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    let writing = 0
    let maxWriting = 0
    // the getter's store holds every chunk write until the gate opens
    const slowStore = (store: ChunkStore): ChunkStore => new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'putChunk') {
          return async (...args: Parameters<ChunkStore['putChunk']>) => {
            maxWriting = Math.max(maxWriting, ++writing)
            try {
              await gate
              await target.putChunk(...args)
            } finally {
              writing--
            }
          }
        }
        const value = (target as any)[prop]
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
    const getter = await createStoqNode({ init: { window: 2 }, wrapStore: slowStore })
    nodes.push(provider, getter)
    const { path, data } = await fileOf(8 * CHUNK)
    const packed = await pack(path, provider.store, { chunkSize: CHUNK })
    const fetching = getter.stoq.fetch(packed.root, { providers: [provider.addr('tcp')] })
    // root object + chunks 0 and 1, then chunk 2 refills the slot chunk 0's answer freed; with
    // chunks 0 and 1 unwritten (= window) no further request goes out
    const deadline = Date.now() + 3000
    while (provider.stoq.provider.served < 4 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
    await new Promise(resolve => setTimeout(resolve, 300))
    assert.equal(provider.stoq.provider.served, 4)
    release()
    const r = await fetching
    assert.equal(r.fetchedChunks, 8)
    assert.ok(maxWriting <= 4, `${maxWriting} chunks waited for the store at once`)
    const out = join(getter.dir, 'out')
    for await (const piece of getter.store.cat(packed.root)) await writeFile(out, piece, { flag: 'a' })
    assert.deepEqual(await readFile(out), data)
  })

  it('drops a stalling provider and completes from another', async () => {
    // the admission hook delays every chunk request on the slow node past the getter's stall timeout
    const slow = await createStoqNode({ init: { admit: req => req.cid.startsWith('bafk') ? 1500 : true } })
    // the good node is rate-limited so that the fetch outlasts the stall timeout
    const good = await createStoqNode({ init: { maxBytesPerSecondPerPeer: 8 * CHUNK } })
    const getter = await createStoqNode({ init: { stallTimeoutMs: 300 } })
    nodes.push(slow, good, getter)
    const { path, data } = await fileOf(20 * CHUNK)
    const packed = await pack(path, slow.store, { chunkSize: CHUNK })
    await pack(path, good.store, { chunkSize: CHUNK })
    const dropped: any[] = []
    const r = await getter.stoq.fetch(packed.manifestCid, {
      providers: [slow.addr('tcp'), good.addr('tcp')],
      onProgress: e => { if (e.type === 'stoq:fetch:peer:dropped') dropped.push(e.detail) }
    })
    assert.deepEqual(dropped, [{ peer: slow.node.peerId.toString(), reason: 'StallError' }])
    assert.deepEqual(Object.keys(r.peers), [good.node.peerId.toString()])
    const out = join(getter.dir, 'out')
    await unpack(r.manifest!, getter.store, out)
    assert.deepEqual(await readFile(join(out, `f${data.length}.bin`)), data)
  })

  it('keeps a peer to its upload limit across fetches (no fresh budget for new streams)', async () => {
    const a = await createStoqNode({ init: { maxBytesPerSecondPerPeer: 8 * CHUNK } })
    const b = await createStoqNode()
    nodes.push(a, b)
    const first = await pack((await fileOf(8 * CHUNK)).path, a.store, { chunkSize: CHUNK })
    const second = await pack((await fileOf(16 * CHUNK + 1)).path, a.store, { chunkSize: CHUNK })
    // the first fetch spends the bucket's one second of budget; the second, on new streams right
    // after, gets 16 more chunks at 8 a second (~2 s; with a fresh bucket ~1 s of them pass at once)
    await b.stoq.fetch(first.root, { providers: [a.addr('tcp')] })
    const started = performance.now()
    await b.stoq.fetch(second.root, { providers: [a.addr('tcp')] })
    assert.ok(performance.now() - started >= 1500, `second fetch took ${performance.now() - started} ms`)
  })

  it('limits the download rate when asked', async () => {
    const a = await createStoqNode()
    const b = await createStoqNode()
    nodes.push(a, b)
    const { path } = await fileOf(16 * CHUNK)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    // the bucket starts with one second of budget: 16 chunks at 8 chunks/s take at least ~1 s
    const started = performance.now()
    await b.stoq.fetch(packed.root, { providers: [a.addr('tcp')], bytesPerSecond: 8 * CHUNK })
    assert.ok(performance.now() - started >= 900, `took ${performance.now() - started} ms`)
  })

  /** An admission hook that resets the provider's STOQ streams to the getter on the given requests (1-based). */
  function resetOn (requests: Set<number>, provider: () => StoqNode): AdmissionHook {
    let n = 0
    return ({ peer }) => {
      if (!requests.has(++n)) return true
      for (const conn of provider().node.getConnections(peerIdFromString(peer))) {
        for (const stream of conn.streams) if (stream.protocol === PROTOCOL) stream.abort(new Error('injected reset'))
      }
      return true
    }
  }

  it('reopens a stream the provider reset (manifest and chunks) and completes byte-identical', async () => {
    let a: StoqNode | undefined
    a = await createStoqNode({ init: { admit: resetOn(new Set([1, 4]), () => a!) } })
    const b = await createStoqNode()
    nodes.push(a, b)
    const { path, data } = await fileOf(6 * CHUNK + 7)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    const reopened: unknown[] = []
    const r = await b.stoq.fetch(packed.manifestCid, { providers: [a.addr('tcp')], onProgress: e => { if (e.type === 'stoq:fetch:peer:reopened') reopened.push(e.detail) } })
    assert.equal(r.size, data.length)
    assert.ok(reopened.length >= 1, 'the swarm reopened the reset stream')
    const out = join(b.dir, 'out-reset')
    await unpack(r.manifest!, b.store, out)
    assert.deepEqual(await readFile(join(out, `f${data.length}.bin`)), data)
  })

  it('gives up with NoProvidersError on a provider that resets every stream', async () => {
    let a: StoqNode | undefined
    a = await createStoqNode({ init: { admit: resetOn(new Set(Array.from({ length: 100 }, (_, i) => i + 1)), () => a!) } })
    const b = await createStoqNode()
    nodes.push(a, b)
    const { path } = await fileOf(2 * CHUNK)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    await assert.rejects(b.stoq.fetch(packed.root, { providers: [a.addr('tcp')] }), (err: any) => err.name === 'NoProvidersError' && err.cause?.name === 'StreamResetError')
  })

  it('starts with the providers that answer and does not wait for a dial that hangs', async () => {
    // a listener that accepts and never speaks: the Noise handshake to it hangs until the dial timeout
    const silent = createServer(() => {})
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    after(() => { silent.close() })
    const hanging = `/ip4/127.0.0.1/tcp/${(silent.address() as AddressInfo).port}/p2p/${peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()}`
    const dialTimeoutMs = 5000
    const a = await createStoqNode()
    const b = await createStoqNode({ init: { dialTimeoutMs } })
    nodes.push(a, b)
    const { path } = await fileOf(3 * CHUNK)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    const started = performance.now()
    const r = await b.stoq.fetch(packed.manifestCid, { providers: [hanging, a.addr('tcp')] })
    assert.ok(performance.now() - started < dialTimeoutMs / 2, `took ${Math.round(performance.now() - started)} ms`)
    assert.deepEqual(r.peers, { [a.node.peerId.toString()]: 3 })
  })

  it('fetchBlock: one raw block, verified and stored; a size limit refuses it; other codecs are not raw blocks', async () => {
    const a = await createStoqNode()
    const b = await createStoqNode()
    nodes.push(a, b)
    const bytes = randomBytes(5000)
    const cid = cidOf(RAW_CODEC, bytes)
    await a.store.put(cid, bytes)
    await assert.rejects(b.stoq.fetchBlock(cid, { providers: [a.addr('tcp')], maxSize: 4999 }), { name: 'BlockTooLargeError' })
    assert.equal(await b.store.has(cid), false)
    assert.deepEqual(Buffer.from(await b.stoq.fetchBlock(cid, { providers: [a.addr('tcp')] })), bytes)
    assert.equal(await b.store.has(cid), true)
    // from the store now, with no provider at all
    assert.deepEqual(Buffer.from(await b.stoq.fetchBlock(cid.toString())), bytes)
    const { path } = await fileOf(10)
    const packed = await pack(path, a.store, { chunkSize: CHUNK })
    await assert.rejects(b.stoq.fetchBlock(packed.manifestCid, { providers: [a.addr('tcp')] }), { name: 'UnsupportedCidError' })
  })
})
