import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { initDataDir } from '../../src/node/index.ts'
import { LOOPBACK_CONFIG, removeDir, runCli, spawnDaemon, tcpAddr, tempDir, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/**
 * A private network (pre-shared key, kubo's swarm.key): members connect, a node with another
 * key or none cannot, and QUIC is off so it cannot be used to get around the key.
 */
describe('integration: private network with a swarm key', () => {
  let work: string
  let a: DaemonProcess, b: DaemonProcess, other: DaemonProcess, open: DaemonProcess

  before(async () => {
    work = await tempDir('hm-pnet-')
    const dirs = ['a', 'b', 'other', 'open'].map(n => join(work, n))
    await Promise.all(dirs.map(async d => initDataDir(d, { config: LOOPBACK_CONFIG })))
    const key = join(work, 'swarm.key')
    const gen = await runCli(['--data-dir', dirs[0], 'swarm-key', 'generate', '--out', key])
    assert.equal(gen.code, 0, gen.stderr)
    for (const d of dirs.slice(0, 2)) assert.equal((await runCli(['--data-dir', d, 'swarm-key', 'install', key])).code, 0)
    assert.equal((await runCli(['--data-dir', dirs[2], 'swarm-key', 'generate'])).code, 0, 'another key')
    ;[a, b, other, open] = await Promise.all(dirs.map(async d => spawnDaemon({ dataDir: d })))
  })

  after(async () => {
    await Promise.all([a, b, other, open].map(async d => d?.stop()))
    await removeDir(work)
  })

  it('listens on TCP only', () => {
    assert.ok(a.addresses.length > 0)
    assert.ok(a.addresses.every(x => !x.includes('/quic')), a.addresses.join(' '))
  })

  it('members connect and share DHT records', async () => {
    const r = await b.request('POST', '/api/v1/connect', { multiaddr: tcpAddr(a) })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    // the put needs B in A's routing table, which follows identify over the new connection
    await waitFor(async () => (await a.request('POST', '/api/v1/dht/put', { key: 'secret', value: 'members only' })).status === 200, 'a put B accepts')
    assert.equal((await b.request('GET', '/api/v1/dht/get?key=secret')).body.value, 'members only')
  })

  it('a node with another key, or none, cannot connect', async () => {
    for (const outsider of [other, open]) {
      const r = await outsider.request('POST', '/api/v1/connect', { multiaddr: tcpAddr(a) })
      assert.notEqual(r.status, 200, JSON.stringify(r.body))
    }
    const peers = (await a.request('GET', '/api/v1/peers')).body.peers.map((p: any) => p.peerId)
    assert.ok(!peers.includes(other.peerId) && !peers.includes(open.peerId))
  })
})
