import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { removeDir, spawnDaemon, tcpAddr, quicAddr, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/**
 * Three daemons as separate processes over real TCP on 127.0.0.1, each with its own LevelDB data
 * dir: they find each other through a bootstrap node, share DHT records, survive a restart, and
 * one pair also connects over QUIC.
 */
describe('integration: a three-daemon mesh', () => {
  let a: DaemonProcess, b: DaemonProcess, c: DaemonProcess
  const dirs: string[] = []

  before(async () => {
    a = await spawnDaemon()
    ;[b, c] = await Promise.all([spawnDaemon({ bootstrap: [tcpAddr(a)] }), spawnDaemon({ bootstrap: [tcpAddr(a)] })])
    dirs.push(a.dataDir, b.dataDir, c.dataDir)
  })

  after(async () => {
    await Promise.all([a, b, c].map(async d => d?.stop()))
    await Promise.all(dirs.map(removeDir))
  })

  it('finds every peer through the bootstrap node', async () => {
    // B and C know only A; they learn of each other through the DHT's routing
    await waitFor(async () => (await a.request('GET', '/api/v1/peers')).body.peers.length >= 2, 'A to see B and C')
    for (const d of [b, c]) {
      const { body } = await d.request('GET', '/api/v1/peers')
      assert.ok(body.peers.some((p: any) => p.peerId === a.peerId), 'connected to the bootstrap node')
    }
  })

  it('reads through C a DHT value put through A', async () => {
    const put = await a.request('POST', '/api/v1/dht/put', { key: 'greeting', value: 'hello from A' })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    assert.ok(put.body.acceptedBy.length >= 1, 'stored by at least one peer')
    const got = await c.request('GET', '/api/v1/dht/get?key=greeting')
    assert.equal(got.status, 200, JSON.stringify(got.body))
    assert.equal(got.body.value, 'hello from A')
  })

  it('dials a peer over QUIC', async () => {
    const res = await c.request('POST', '/api/v1/connect', { multiaddr: quicAddr(a), force: true })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.transport, 'quic')
    assert.equal(res.body.peerId, a.peerId)
    const { body } = await c.request('GET', '/api/v1/peers')
    assert.ok(body.peers.some((p: any) => p.peerId === a.peerId && p.transport === 'quic'), 'QUIC connection listed')
  })

  it('restarts B with the same PeerId and its stored records', async () => {
    // the value put by A above went to the closest peers, B among them; make sure B holds it
    await waitFor(async () => (await b.request('GET', '/api/v1/dht/get?key=greeting&local=true')).status === 200, 'B to hold the record')
    const before = b.peerId
    assert.equal(await b.stop(), 0, 'graceful exit on SIGTERM')
    b = await spawnDaemon({ dataDir: b.dataDir })
    assert.equal(b.peerId, before, 'PeerId survives a restart')
    // read from B's own datastore only: the record came from disk, not from a peer
    const local = await b.request('GET', '/api/v1/dht/get?key=greeting&local=true')
    assert.equal(local.status, 200, JSON.stringify(local.body))
    assert.equal(local.body.value, 'hello from A')
    // B was given no bootstrap flag this time: it rejoins by re-dialling peers it remembers
    await waitFor(async () => (await b.request('GET', '/api/v1/peers')).body.peers.length >= 1, 'B to rejoin the mesh')
  })
})
