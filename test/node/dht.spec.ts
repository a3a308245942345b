import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { KadDHT } from '@libp2p/kad-dht'
import { MemoryDatastore } from 'datastore-core'
import { buildLibp2p, defaultConfig, dhtPut, MAX_TEST_VALUE_BYTES, testRecordKey } from '../../src/node/index.ts'
import type { HyperMeshLibp2p } from '../../src/node/index.ts'
import { waitFor } from '../../scripts/lib/daemon-process.ts'

/** The DHT with its Kademlia walk made useless: a put only reaches peers through the direct push. */
function withoutWalk (dht: KadDHT): KadDHT {
  const stub = Object.create(dht)
  stub.put = async function * () {}
  return stub
}

describe('dhtPut', () => {
  let dir: string
  const nodes: HyperMeshLibp2p[] = []
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-dht-put-'))
    for (let i = 0; i < 3; i++) {
      const config = { ...defaultConfig(), dataDir: join(dir, String(i)), listen: ['/ip4/127.0.0.1/tcp/0'] }
      const node = await buildLibp2p({ config, privateKey: await generateKeyPair('Ed25519'), datastore: new MemoryDatastore() })
      await node.start()
      nodes.push(node)
    }
    for (const other of nodes.slice(1)) await nodes[0].dial(other.getMultiaddrs()[0])
    await waitFor(() => (nodes[0].services.dht as any).routingTable.size === 2, 'both peers in the routing table')
  })
  after(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    await rm(dir, { recursive: true, force: true })
  })

  it('sends the record to the routing table\'s peers at once, not only after the walk', async () => {
    const key = testRecordKey('direct')
    const value = new TextEncoder().encode('pushed')
    const result = await dhtPut(withoutWalk(nodes[0].services.dht), key, value)
    assert.deepEqual(new Set(result.acceptedBy), new Set(nodes.slice(1).map(n => n.peerId.toString())))
    for (const peer of nodes.slice(1)) {
      let stored: Uint8Array | undefined
      for await (const e of peer.services.dht.get(key)) if (e.name === 'VALUE') stored = e.value
      assert.equal(new TextDecoder().decode(stored), 'pushed')
    }
  })

  it('counts a refusal of the direct push as a refusal', async () => {
    const tooLarge = new Uint8Array(MAX_TEST_VALUE_BYTES + 1)
    await assert.rejects(dhtPut(withoutWalk(nodes[0].services.dht), testRecordKey('too-large'), tooLarge), (err: any) => {
      assert.equal(err.name, 'DhtPutRejectedError')
      assert.match(err.message, /\(2 refused\)/)
      return true
    })
  })
})
