import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { defaultConfig } from '../../src/node/index.ts'
import type { HyperMeshLibp2p } from '../../src/node/index.ts'
import { startRoutingTableFeeder } from '../../src/node/routing-table-feeder.ts'
import { waitFor } from '../../scripts/lib/daemon-process.ts'
import { startLibp2pNodes } from '../helpers/libp2p-nodes.ts'

/** An hour: the tests call feed() themselves. */
const NO_TIMER = 3_600_000

describe('routing table feeder', () => {
  let dir: string
  const nodes: HyperMeshLibp2p[] = []
  const table = (i: number): any => (nodes[i].services.dht as any).routingTable
  const feederOf = (i: number, threshold?: number) => startRoutingTableFeeder(
    { dht: nodes[i].services.dht, peerStore: nodes[i].peerStore, getConnections: () => nodes[i].getConnections() },
    defaultConfig().dht.protocol,
    { intervalMs: NO_TIMER, threshold }
  )

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-rt-feeder-'))
    nodes.push(...await startLibp2pNodes(dir, 2))
    await nodes[0].dial(nodes[1].getMultiaddrs()[0])
    await waitFor(() => table(0).size === 1, 'the peer in the routing table')
  })
  after(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    await rm(dir, { recursive: true, force: true })
  })

  it('re-admits a connected DHT peer the routing table lost, which kad-dht alone does not', async () => {
    // as when the ping kad-dht sends a new contact timed out: connected, but not in the table
    await table(0).remove(nodes[1].peerId)
    assert.equal(table(0).size, 0)
    // kad-dht admits a peer on connect only: the open connection alone does not bring it back
    await sleep(1000)
    assert.ok(nodes[0].getConnections(nodes[1].peerId).length > 0, 'still connected')
    assert.equal(table(0).size, 0)

    const feeder = feederOf(0)
    try {
      assert.equal(await feeder.feed(), 1)
      assert.ok(await table(0).find(nodes[1].peerId) != null)
      // a second pass finds nothing missing
      assert.equal(await feeder.feed(), 0)
    } finally {
      feeder.stop()
    }
  })

  it('leaves a routing table at or above its threshold alone', async () => {
    await table(0).remove(nodes[1].peerId)
    const feeder = feederOf(0, 0)
    try {
      assert.equal(await feeder.feed(), 0)
      assert.equal(table(0).size, 0)
    } finally {
      feeder.stop()
      // leave the table as the node keeps it
      const restore = feederOf(0)
      await restore.feed()
      restore.stop()
    }
  })
})
