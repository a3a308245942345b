/**
 * A STOQ peer as its own process, for multi-process tests and the benchmark: a bare libp2p node
 * (TCP + QUIC on 127.0.0.1, Noise, Yamux), a chunk store in a real LevelDB dir, and the STOQ
 * service, driven by JSON lines on stdin. Start: `node test/helpers/stoq-peer.ts '<json init>'`
 * with init { dir, stoq?: StoqInit fields }. It prints {"ready":true,peerId,addrs} first; then
 * for each request line {id, cmd, ...} it prints {id, progress} lines and one {id, ok, result|error}.
 *
 * Commands: add {path, chunkSize?} · fetch {cid, providers, maxSize?, bytesPerSecond?} ·
 * unpack {cid, dir} · corrupt {on} (serve every raw chunk with one byte flipped) ·
 * put-block {codec, hex} (store bytes as-is, e.g. a hostile root object) · stats · exit.
 */
import { createInterface } from 'node:readline'
import { mkdir } from 'node:fs/promises'
import { CID, RAW_CODEC, cidOf, decodeManifestBytes, pack, unpack } from '../../src/package/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { createStoqNode } from './stoq-node.ts'

const init = JSON.parse(process.argv[2] ?? '{}')
await mkdir(init.dir, { recursive: true })

let corrupt = false
/** The store as STOQ sees it: in corrupt mode every raw chunk leaves with its first byte flipped. */
const wrap = (store: ChunkStore): ChunkStore => new Proxy(store, {
  get: (target, prop) => {
    if (prop === 'get') {
      return async (cid: CID, options?: { signal?: AbortSignal }) => {
        const bytes = await target.get(cid, options)
        if (!corrupt || cid.code !== RAW_CODEC || bytes.length === 0) return bytes
        const bad = Uint8Array.from(bytes)
        bad[0] ^= 0xff
        return bad
      }
    }
    const value = (target as any)[prop]
    return typeof value === 'function' ? value.bind(target) : value
  }
})

const peer = await createStoqNode({ dir: init.dir, init: init.stoq ?? {}, wrapStore: wrap, noiseFix: init.noiseFix === true })
const send = (msg: unknown): void => { process.stdout.write(JSON.stringify(msg) + '\n') }
send({ ready: true, peerId: peer.node.peerId.toString(), addrs: { tcp: peer.addr('tcp'), quic: peer.addr('quic') } })

const commands: Record<string, (req: any) => Promise<unknown>> = {
  add: async req => {
    const r = await pack(req.path, peer.store, { chunkSize: req.chunkSize })
    return { root: r.root.toString(), manifestCid: r.manifestCid.toString(), size: r.size }
  },
  fetch: async req => {
    const r = await peer.stoq.fetch(req.cid, {
      providers: req.providers, maxSize: req.maxSize, bytesPerSecond: req.bytesPerSecond,
      onProgress: e => { send({ id: req.id, progress: { type: e.type, detail: e.detail } }) }
    })
    return { ...r, manifest: undefined }
  },
  unpack: async req => {
    const manifest = decodeManifestBytes(await peer.store.get(CID.parse(req.cid)))
    return await unpack(manifest, peer.store, req.dir)
  },
  corrupt: async req => { corrupt = req.on === true; return { corrupt } },
  'put-block': async req => {
    const bytes = Buffer.from(req.hex, 'hex')
    const cid = cidOf(req.codec, bytes)
    await peer.store.put(cid, bytes)
    return { cid: cid.toString() }
  },
  stats: async () => ({ served: peer.stoq.provider.served, bytesServed: peer.stoq.provider.bytesServed, rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, cpu: process.cpuUsage() }),
  exit: async () => {
    await peer.stop()
    setImmediate(() => process.exit(0))
    return {}
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const req = JSON.parse(line)
  const run = commands[req.cmd]
  if (run === undefined) { send({ id: req.id, ok: false, error: { name: 'UnknownCommand', message: req.cmd } }); continue }
  run(req).then(
    result => { send({ id: req.id, ok: true, result }) },
    (err: any) => { send({ id: req.id, ok: false, error: { name: err.name, message: err.message, cause: err.cause?.message } }) }
  )
}
await peer.stop()
