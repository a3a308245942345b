import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, readFile, readdir, symlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from 'cborg'
import { CBOR_CODEC, JSON_CODEC } from '../../src/package/index.ts'
import { spawnPeer } from '../helpers/stoq-peer-client.ts'
import type { PeerProcess } from '../helpers/stoq-peer-client.ts'

/** Small chunks keep every scenario to a few MiB while still spanning many chunks. */
const CHUNK = 64 * 1024
/** Per-peer upload limit of the slow providers, so a kill lands mid-transfer on any machine. */
const SLOW_RATE = 1024 * 1024

const tmp = async (p = 'hm-proc-'): Promise<string> => await mkdtemp(join(tmpdir(), p))

async function file (size: number, seed = size): Promise<{ path: string, data: Buffer }> {
  const dir = await tmp('hm-data-')
  // deterministic bytes per seed so that several providers pack the same root
  const data = Buffer.alloc(size)
  let x = seed * 2654435761 >>> 0
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; data[i] = x >>> 24 }
  const path = join(dir, 'data.bin')
  await writeFile(path, data)
  return { path, data }
}

async function fetchAndCompare (getter: PeerProcess, cid: string, providers: string[], data: Buffer, onProgress?: (p: any) => void): Promise<any> {
  const result = await getter.call('fetch', { cid, providers }, onProgress)
  const out = join(await tmp('hm-out-'), 'pkg')
  await getter.call('unpack', { cid, dir: out })
  assert.ok(Buffer.compare(await readFile(join(out, 'data.bin')), data) === 0, 'unpacked bytes differ')
  return result
}

describe('STOQ integration: separate processes over real sockets', { timeout: 120_000 }, () => {
  const procs: PeerProcess[] = []
  let p1: PeerProcess, p2: PeerProcess, p3: PeerProcess, getter: PeerProcess
  /** Rate-limited providers: no one of them can finish a transfer alone before the others start. */
  let slow: PeerProcess[]
  const spawnTracked = async (stoq: Record<string, unknown> = {}, dir?: string): Promise<PeerProcess> => {
    const p = await spawnPeer({ dir: dir ?? await tmp(), stoq })
    procs.push(p)
    return p
  }

  before(async () => {
    [p1, p2, p3, getter, ...slow] = await Promise.all([
      spawnTracked(), spawnTracked(), spawnTracked(), spawnTracked({ stallTimeoutMs: 3000 }),
      ...[1, 2, 3].map(async () => await spawnTracked({ maxBytesPerSecondPerPeer: SLOW_RATE }))
    ])
  })
  after(async () => { await Promise.all(procs.map(async p => { await p.exit() })) })

  // each size guards a boundary of the chunker: empty content has no chunks at all, one byte is
  // a single short chunk, chunk±1 straddle the boundary, and many chunks exercise the window
  for (const [label, size, transport] of [
    ['0 bytes', 0, 'tcp'], ['1 byte', 1, 'tcp'], ['chunk-1', CHUNK - 1, 'tcp'], ['chunk', CHUNK, 'quic'],
    ['chunk+1', CHUNK + 1, 'tcp'], ['many chunks over TCP', 40 * CHUNK + 7, 'tcp'], ['many chunks over QUIC', 40 * CHUNK + 9, 'quic']
  ] as const) {
    it(`transfers ${label} (${size} B) over ${transport}, byte-identical`, async () => {
      const { path, data } = await file(size)
      const added = await p1.call('add', { path, chunkSize: CHUNK })
      const r = await fetchAndCompare(getter, added.manifestCid, [p1.addrs[transport]], data)
      assert.equal(r.size, size)
      assert.equal(r.fetchedChunks, Math.ceil(size / CHUNK))
    })
  }

  it('uses all three providers of one root, over TCP and QUIC', async () => {
    const { path, data } = await file(48 * CHUNK, 1001)
    const added = await Promise.all(slow.map(async p => await p.call('add', { path, chunkSize: CHUNK })))
    assert.equal(new Set(added.map(a => a.manifestCid)).size, 1)
    const r = await fetchAndCompare(getter, added[0].manifestCid, [slow[0].addrs.tcp, slow[1].addrs.quic, slow[2].addrs.tcp], data)
    assert.deepEqual(Object.keys(r.peers).sort(), slow.map(p => p.peerId).sort(), `chunks per peer: ${JSON.stringify(r.peers)}`)
  })

  it('detects a corrupted chunk before storing it, drops the peer and completes from the others', async () => {
    const { path, data } = await file(48 * CHUNK, 1002)
    const added = await Promise.all([p1, p2, p3].map(async p => await p.call('add', { path, chunkSize: CHUNK })))
    await p3.call('corrupt', { on: true })
    const dropped: any[] = []
    const r = await fetchAndCompare(getter, added[0].manifestCid, [p1.addrs.tcp, p2.addrs.tcp, p3.addrs.tcp], data, p => {
      if (p.type === 'stoq:fetch:peer:dropped') dropped.push(p.detail)
    })
    await p3.call('corrupt', { on: false })
    assert.deepEqual(dropped, [{ peer: p3.peerId, reason: 'BadBlockError' }])
    assert.equal(r.peers[p3.peerId], undefined, 'no chunk from the corrupting peer was stored')
    assert.equal(r.fetchedChunks, 48)
  })

  it('completes from the others when a provider is killed mid-transfer', async () => {
    const { path, data } = await file(64 * CHUNK, 1003)
    const added = await Promise.all(slow.map(async p => await p.call('add', { path, chunkSize: CHUNK })))
    let chunks = 0
    let killed: Promise<void> | undefined
    const r = await fetchAndCompare(getter, added[0].manifestCid, slow.map(p => p.addrs.tcp), data, p => {
      if (p.type === 'stoq:fetch:chunk' && ++chunks === 12) killed = slow[1].kill()
    })
    await killed
    assert.ok(killed !== undefined)
    assert.equal(r.fetchedChunks, 64)
    assert.ok((r.peers[slow[1].peerId] ?? 0) < 64 / 2, 'the killed provider cannot have served its share')
    assert.ok(r.peers[slow[0].peerId] > 0 && r.peers[slow[2].peerId] > 0)
  })

  it('resumes after the getter is killed and restarted, without refetching stored chunks', async () => {
    const provider = await spawnTracked({ maxBytesPerSecondPerPeer: SLOW_RATE })
    const { path, data } = await file(32 * CHUNK, 1004)
    const added = await provider.call('add', { path, chunkSize: CHUNK })
    const dir = await tmp()
    const first = await spawnPeer({ dir })
    let stored = 0
    let killed: Promise<void> | undefined
    await assert.rejects(first.call('fetch', { cid: added.manifestCid, providers: [provider.addrs.tcp] }, p => {
      if (p.type === 'stoq:fetch:chunk' && ++stored === 8) killed = first.kill()
    }), { name: 'PeerExited' })
    await killed
    const servedBefore = (await provider.call('stats')).served
    const second = await spawnTracked({}, dir)
    const r = await fetchAndCompare(second, added.manifestCid, [provider.addrs.quic], data)
    assert.ok(r.resumedChunks >= 8, `resumed ${r.resumedChunks}`)
    assert.equal(r.fetchedChunks + r.resumedChunks, 32)
    const servedAfter = (await provider.call('stats')).served
    assert.equal(servedAfter - servedBefore, r.fetchedChunks, 'the restarted getter asked only for missing chunks')
  })

  it('refuses a chunk list larger than its root allows', async () => {
    const hostile = encode({ v: 1, size: 1, chunk: 16384, hashes: randomBytes(64) })
    // the lying provider is penalised for later fetches, so it is one no other test needs
    const { cid } = await p2.call('put-block', { codec: CBOR_CODEC, hex: Buffer.from(hostile).toString('hex') })
    await assert.rejects(getter.call('fetch', { cid, providers: [p2.addrs.tcp] }), { name: 'InvalidRootObjectError' })
  })

  it('transfers a package with an escaping symlink but refuses to unpack it', async () => {
    const dir = await tmp('hm-evil-')
    await writeFile(join(dir, 'a.txt'), 'a')
    await symlink('../../../etc', join(dir, 'escape'))
    const added = await p1.call('add', { path: dir, chunkSize: CHUNK })
    await getter.call('fetch', { cid: added.manifestCid, providers: [p1.addrs.tcp] })
    const parent = await tmp('hm-evil-out-')
    await assert.rejects(getter.call('unpack', { cid: added.manifestCid, dir: join(parent, 'x') }), { name: 'UnsafeSymlinkError' })
    assert.deepEqual(await readdir(parent), [])
  })

  it('refuses a manifest with a ../ path when it is fetched', async () => {
    const { path } = await file(10, 1005)
    const liar = await spawnTracked()
    const added = await liar.call('add', { path, chunkSize: CHUNK })
    const hostile = { id: 'evil', name: 'evil', version: '1.0.0', category: 'Data', required_capabilities: [], provided_assets: [], dependencies: [],
      content: { root: added.root, size: 10, chunk_size: CHUNK }, files: [{ path: '../evil', mode: 0o100644, size: 10 }] }
    const { cid } = await liar.call('put-block', { codec: JSON_CODEC, hex: Buffer.from(JSON.stringify(hostile)).toString('hex') })
    await assert.rejects(getter.call('fetch', { cid, providers: [liar.addrs.tcp] }), { name: 'InvalidManifestError' })
  })
})
