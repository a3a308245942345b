import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { createStore } from '../../src/store/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { pack, MIN_CHUNK_SIZE } from '../../src/package/index.ts'
import { stoq } from '../../src/transfer/index.ts'

async function dhtNode (stores: ChunkStore[]) {
  const store = await createStore({ dir: await mkdtemp(join(tmpdir(), 'hm-dht-')) })
  stores.push(store)
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: '/hypermesh-test/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true }),
      stoq: stoq({ store })
    }
  })
  return { node, store }
}

describe('STOQ with DHT provider records', () => {
  const stores: ChunkStore[] = []
  const stops: Array<() => Promise<void>> = []
  after(async () => {
    for (const s of stops) await s()
    for (const s of stores) await s.close()
  })

  it('finds the provider of a manifest through the DHT when no providers are given', async () => {
    const [a, b, c] = await Promise.all([dhtNode(stores), dhtNode(stores), dhtNode(stores)])
    stops.push(async () => { await Promise.all([a.node.stop(), b.node.stop(), c.node.stop()]) })
    await b.node.dial(a.node.getMultiaddrs()[0])
    await c.node.dial(b.node.getMultiaddrs()[0])
    await c.node.dial(a.node.getMultiaddrs()[0])
    const dir = await mkdtemp(join(tmpdir(), 'hm-dht-src-'))
    await writeFile(join(dir, 'x'), randomBytes(3 * MIN_CHUNK_SIZE))
    const packed = await pack(join(dir, 'x'), a.store, { chunkSize: MIN_CHUNK_SIZE })
    await a.node.services.stoq.provide(packed.manifestCid, { signal: AbortSignal.timeout(10_000) })
    const r = await c.node.services.stoq.fetch(packed.manifestCid, { signal: AbortSignal.timeout(20_000) })
    assert.deepEqual(Object.keys(r.peers), [a.node.peerId.toString()])
    assert.equal(r.fetchedChunks, 3)
  })
})
