import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode, initDataDir, resolveConfig, node as nodeArea, store as storeArea } from '../src/index.ts'
import type { HyperMeshNode } from '../src/index.ts'

describe('library surface', () => {
  const dirs: string[] = []
  const nodes: HyperMeshNode[] = []
  after(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    await Promise.all(dirs.map(async d => rm(d, { recursive: true, force: true })))
  })

  async function embedded (): Promise<HyperMeshNode> {
    const dir = await mkdtemp(join(tmpdir(), 'hm-lib-'))
    dirs.push(dir)
    const { peerId } = await initDataDir(dir)
    const n = await createNode(resolveConfig({ flags: { dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'] } }))
    nodes.push(n)
    assert.equal(n.peerId, peerId, 'the node runs under the data dir identity')
    await n.start()
    return n
  }

  it('builds nodes from the data dir that connect and answer each other over TCP', async () => {
    const [a, b] = [await embedded(), await embedded()]
    const rtt = await a.libp2p.services.ping.ping(b.libp2p.getMultiaddrs()[0])
    assert.ok(rtt >= 0)
    assert.ok(a.libp2p.getConnections(b.libp2p.peerId).length > 0)
  })

  it('reaches each area under its own name', () => {
    assert.equal(typeof nodeArea.dataDirPaths, 'function')
    assert.equal(typeof storeArea.createStore, 'function')
  })
})
