import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tree } from '../helpers/tree.ts'
import { removeDir, spawnDaemon, streamRequest, tcpAddr, tempDir, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/** STOQ through the daemons' control API: add on A, get on B by manifest CID, byte-identical. */
describe('integration: STOQ through the daemon API', () => {
  let a: DaemonProcess, b: DaemonProcess, c: DaemonProcess
  let work: string

  before(async () => {
    work = await tempDir('hm-transfer-')
    a = await spawnDaemon()
    ;[b, c] = await Promise.all([spawnDaemon({ bootstrap: [tcpAddr(a)] }), spawnDaemon({ bootstrap: [tcpAddr(a)] })])
    await waitFor(async () => (await a.request('GET', '/api/v1/peers')).body.peers.length >= 2, 'B and C to connect to A')
  })

  after(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()])
    await Promise.all([a, b, c].map(async d => removeDir(d.dataDir)))
    await removeDir(work)
  })

  it('adds a tree on A; B fetches it from a given provider, C finds providers through the DHT', async () => {
    const src = join(work, 'pkg')
    await mkdir(join(src, 'lib'), { recursive: true })
    await writeFile(join(src, 'README.md'), 'hello\n')
    await writeFile(join(src, 'lib', 'big.bin'), randomBytes(3 * 1024 * 1024 + 17))
    await writeFile(join(src, 'empty'), '')

    const added = await streamRequest(a, '/api/v1/add', { path: src, chunkSize: 1024 * 1024 })
    assert.equal(added.status, 200)
    assert.equal(added.error, undefined, JSON.stringify(added.error))
    assert.ok(added.result.manifestCid.length > 0)
    assert.ok(added.lines.length > 0, 'progress lines were streamed')
    assert.equal(added.result.provided, true, 'A announced it in the DHT')

    const out = join(work, 'out')
    const got = await streamRequest(b, '/api/v1/get', { cid: added.result.manifestCid, from: [tcpAddr(a)], out })
    assert.equal(got.error, undefined, JSON.stringify(got.error))
    assert.equal(got.result.size, 3 * 1024 * 1024 + 17 + 6)
    assert.ok(got.lines.some(l => l.type === 'stoq:fetch:chunk' || l.type === 'stoq:fetch:done'), 'fetch progress streamed')
    assert.deepEqual(await tree(out), await tree(src))

    // a second fetch resumes from the store: nothing new crosses the wire
    const again = await streamRequest(b, '/api/v1/get', { cid: added.result.manifestCid })
    assert.equal(again.error, undefined, JSON.stringify(again.error))
    assert.equal(again.result.fetchedChunks, 0)

    // C is given no provider: it finds A (and B, which now holds it too) through DHT provider records
    const fromDht = await streamRequest(c, '/api/v1/get', { cid: added.result.manifestCid, out: join(work, 'out-c') })
    assert.equal(fromDht.error, undefined, JSON.stringify(fromDht.error))
    assert.ok(fromDht.result.fetchedChunks >= 4)
    assert.deepEqual(await tree(join(work, 'out-c')), await tree(src))
  })

  it('refuses a malformed CID with a named error', async () => {
    const r = await streamRequest(b, '/api/v1/get', { cid: 'not-a-cid', from: [tcpAddr(a)] })
    assert.ok(r.error != null)
    assert.equal(typeof r.error.code, 'string')
  })
})
