import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KadDHT } from '@libp2p/kad-dht'
import { dhtPut, MAX_TEST_VALUE_BYTES, testRecordKey } from '../../src/node/index.ts'
import type { HyperMeshLibp2p } from '../../src/node/index.ts'
import { waitFor } from '../../scripts/lib/daemon-process.ts'
import { startLibp2pNodes } from '../helpers/libp2p-nodes.ts'

/** The DHT with its Kademlia walk finding nobody: a put only reaches peers through the direct push. */
function withoutWalk (dht: KadDHT): KadDHT {
  const stub = Object.create(dht)
  stub.getClosestPeers = async function * () {}
  stub.put = async function * () {}
  return stub
}

/** The DHT with an empty routing table for the direct push (the walk still finds the peers), counting PUT_VALUEs per peer. */
function countingPuts (dht: KadDHT, options: { direct: boolean }): { dht: KadDHT, puts: Map<string, number> } {
  const real = dht as any
  const puts = new Map<string, number>()
  const stub = Object.create(dht)
  stub.network = {
    sendRequest (to: any, msg: any, opts: any) {
      if (msg.type === 'PUT_VALUE') puts.set(to.toString(), (puts.get(to.toString()) ?? 0) + 1)
      return real.network.sendRequest(to, msg, opts)
    }
  }
  if (!options.direct) stub.routingTable = { closestPeers: () => [] }
  return { dht: stub, puts }
}

describe('dhtPut', () => {
  let dir: string
  const nodes: HyperMeshLibp2p[] = []
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-dht-put-'))
    nodes.push(...await startLibp2pNodes(dir, 3))
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

  it('sends the record once to each peer: the walk skips the peers it was pushed to', async () => {
    const key = testRecordKey('once')
    const validations: number[] = []
    for (const [i, peer] of nodes.slice(1).entries()) {
      const validators = peer.services.dht.validators as any
      const validate = validators.hmtest
      validations[i] = 0
      validators.hmtest = (k: Uint8Array, v: Uint8Array) => {
        if (Buffer.from(k).equals(Buffer.from(key))) validations[i]++
        return validate(k, v)
      }
    }
    const result = await dhtPut(nodes[0].services.dht, key, new TextEncoder().encode('once'))
    assert.equal(result.acceptedBy.length, 2)
    assert.deepEqual(validations, [1, 1])
  })

  it('sends the record to the peers the walk finds when the routing table offers none', async () => {
    const { dht, puts } = countingPuts(nodes[0].services.dht, { direct: false })
    const result = await dhtPut(dht, testRecordKey('walked'), new TextEncoder().encode('walked'))
    assert.deepEqual(new Set(result.acceptedBy), new Set(nodes.slice(1).map(n => n.peerId.toString())))
    assert.deepEqual([...puts.values()], [1, 1])
  })

  it('walks only after the direct sends are answered, and says when they are (onSent)', async () => {
    const order: string[] = []
    const real = nodes[0].services.dht as any
    const stub = Object.create(real)
    stub.network = {
      async * sendRequest (to: any, msg: any, opts: any) {
        yield * real.network.sendRequest(to, msg, opts)
        if (msg.type === 'PUT_VALUE') order.push('answered')
      }
    }
    stub.getClosestPeers = async function * (key: Uint8Array, opts: any) {
      order.push('walk')
      yield * real.getClosestPeers(key, opts)
    }
    const result = await dhtPut(stub, testRecordKey('ordered'), new TextEncoder().encode('ordered'), { onSent: () => { order.push('sent') } })
    assert.equal(result.acceptedBy.length, 2)
    assert.deepEqual(order, ['answered', 'answered', 'sent', 'walk'])
  })

  it('keeps a local copy, as kad-dht\'s put does', async () => {
    const key = testRecordKey('local')
    await dhtPut(nodes[0].services.dht, key, new TextEncoder().encode('mine'))
    const local = await (nodes[0].services.dht as any).contentFetching.getLocal(key)
    assert.equal(new TextDecoder().decode(local.value), 'mine')
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
