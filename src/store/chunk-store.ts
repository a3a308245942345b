import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { Level } from 'level'
import { logger } from '@libp2p/logger'
import {
  CID, decodeRootObject, chunkCount, chunkCidAt, verifyBytes, CBOR_CODEC, JSON_CODEC,
  decodeManifestBytes, byteLength
} from '../package/index.ts'
import type { RootObject } from '../package/index.ts'
import { BlockFiles } from './block-files.ts'
import {
  BlockHashMismatchError, BlockNotFoundError, CorruptBlockError, QuotaExceededError, RootNotFoundError, StoreClosedError
} from './errors.ts'
import type { ChunkStore, RootState, StoreInit, GcResult, StoreUsage } from './types.ts'

const log = logger('hypermesh:store')

/** The default quota when none is given: 10 GiB, the default storage quota in DESIGN.md. */
export const DEFAULT_STORE_QUOTA = 10 * 1024 * 1024 * 1024

interface RootRecord { size: number, chunkSize: number, complete: boolean }

/**
 * The chunk store: blocks as files (block-files.ts), and an index in LevelDB with three
 * sublevels: `roots` (root CID → size, chunk size, complete), `have` (`<root>/<index>` for
 * each chunk of a partial root that is on disk) and `pins`. The order of writes is always
 * block file first, index second, so after a crash the index never names a block that is
 * not on disk; a block on disk that the index misses is refetched (idempotently) or collected.
 */
export class FsChunkStore implements ChunkStore {
  readonly dir: string
  readonly quota: number
  private readonly files: BlockFiles
  private readonly db: Level<string, any>
  private readonly roots
  private readonly have
  private readonly pinsDb
  private used = 0
  /** Index keys of stored chunks waiting for the next group commit (markHave). */
  private haveQueue: string[] = []
  private haveFlush: Promise<void> | undefined
  private closed = false

  constructor (init: StoreInit) {
    this.dir = init.dir
    this.quota = init.quota ?? DEFAULT_STORE_QUOTA
    this.files = new BlockFiles(init.dir, init.sync ?? false)
    this.db = new Level<string, any>(join(init.dir, 'index'), { valueEncoding: 'json' })
    this.roots = this.db.sublevel<string, RootRecord>('roots', { valueEncoding: 'json' })
    this.have = this.db.sublevel<string, number>('have', { valueEncoding: 'json' })
    this.pinsDb = this.db.sublevel<string, number>('pins', { valueEncoding: 'json' })
  }

  async open (): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await this.files.init()
    await this.db.open()
    let used = 0
    for await (const { size } of this.files.list()) used += size
    this.used = used
    log('opened %s: %d bytes in use of %d', this.dir, used, this.quota)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.db.close()
  }

  usage (): StoreUsage {
    return { used: this.used, quota: this.quota }
  }

  async has (cid: CID): Promise<boolean> {
    this.check()
    return await this.files.has(cid)
  }

  async get (cid: CID, options: { signal?: AbortSignal, into?: (length: number) => Uint8Array } = {}): Promise<Uint8Array> {
    this.check()
    const bytes = await this.files.read(cid, options.signal, options.into)
    if (bytes === undefined) throw new BlockNotFoundError(cid.toString())
    if (!verifyBytes(cid, bytes)) {
      this.used -= await this.files.remove(cid)
      throw new CorruptBlockError(cid.toString())
    }
    return bytes
  }

  async put (cid: CID, bytes: Uint8Array | Uint8Array[]): Promise<void> {
    await this.putBlock(cid, bytes, false)
  }

  /**
   * Stores a verified block. `direct`: write it past the page cache (O_DIRECT, see
   * direct-writes.ts), as for chunks fetched from peers, whose buffered writes were the fetch's
   * bottleneck on this VM; a node's own content (pack) goes through the page cache, since it is
   * about to be served.
   */
  private async putBlock (cid: CID, bytes: Uint8Array | Uint8Array[], direct: boolean): Promise<void> {
    this.check()
    if (!verifyBytes(cid, bytes)) throw new BlockHashMismatchError(cid.toString())
    if (await this.files.has(cid)) return
    const length = byteLength(bytes)
    // reserve before the write so that concurrent puts cannot overshoot the quota together
    if (this.used + length > this.quota) throw new QuotaExceededError(length, this.used, this.quota)
    this.used += length
    try {
      await this.files.write(cid, bytes, direct)
    } catch (err) {
      this.used -= length
      throw err
    }
  }

  async delete (cid: CID): Promise<void> {
    this.check()
    this.used -= await this.files.remove(cid)
  }

  async putRoot (root: CID, bytes: Uint8Array): Promise<RootObject> {
    const obj = decodeRootObject(bytes)
    await this.put(root, bytes)
    const key = root.toString()
    const existing = await this.roots.get(key)
    if (existing === undefined) await this.roots.put(key, { size: obj.size, chunkSize: obj.chunkSize, complete: obj.size === 0 })
    return obj
  }

  async getRoot (root: CID): Promise<RootObject> {
    return decodeRootObject(await this.get(root))
  }

  async putChunk (root: CID, index: number, cid: CID, bytes: Uint8Array | Uint8Array[]): Promise<void> {
    await this.putBlock(cid, bytes, true)
    await this.markHave(haveKey(root, index))
  }

  /**
   * Records a stored chunk in the index. Chunks whose files finish together share one LevelDB
   * batch (group commit): a fetch stores many chunks at once, and one write per chunk cost more
   * than the batch. Each caller still resolves only once its own key is written.
   */
  private async markHave (key: string): Promise<void> {
    this.haveQueue.push(key)
    this.haveFlush ??= Promise.resolve().then(async () => {
      const keys = this.haveQueue
      this.haveQueue = []
      this.haveFlush = undefined
      const batch = this.have.batch()
      for (const k of keys) batch.put(k, 1)
      await batch.write()
    })
    await this.haveFlush
  }

  async rootState (root: CID): Promise<RootState | undefined> {
    this.check()
    const rec = await this.roots.get(root.toString())
    if (rec === undefined) return undefined
    const total = chunkCount(rec.size, rec.chunkSize)
    if (rec.complete) return { ...rec, chunks: total, present: total }
    let present = 0
    for await (const _ of this.have.keys({ gte: `${root.toString()}/`, lt: `${root.toString()}/~` })) present++
    return { ...rec, chunks: total, present }
  }

  async presentChunks (root: CID): Promise<Set<number>> {
    this.check()
    const rec = await this.roots.get(root.toString())
    if (rec === undefined) throw new RootNotFoundError(root.toString())
    const set = new Set<number>()
    if (rec.complete) {
      for (let i = 0; i < chunkCount(rec.size, rec.chunkSize); i++) set.add(i)
      return set
    }
    const prefix = `${root.toString()}/`
    for await (const key of this.have.keys({ gte: prefix, lt: `${prefix}~` })) set.add(parseInt(key.slice(prefix.length), 16))
    return set
  }

  async completeRoot (root: CID): Promise<void> {
    this.check()
    const key = root.toString()
    const rec = await this.roots.get(key)
    if (rec === undefined) throw new RootNotFoundError(key)
    const obj = await this.getRoot(root)
    for (let i = 0; i < chunkCount(obj.size, obj.chunkSize); i++) {
      if (!await this.files.has(chunkCidAt(obj, i))) throw new BlockNotFoundError(chunkCidAt(obj, i).toString())
    }
    await this.roots.put(key, { ...rec, complete: true })
    await this.clearHave(key)
  }

  async * cat (root: CID, options: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
    const obj = await this.getRoot(root)
    for (let i = 0; i < chunkCount(obj.size, obj.chunkSize); i++) {
      options.signal?.throwIfAborted()
      yield await this.get(chunkCidAt(obj, i), options)
    }
  }

  async pin (cid: CID): Promise<void> {
    this.check()
    await this.pinsDb.put(cid.toString(), Date.now())
  }

  async unpin (cid: CID): Promise<void> {
    this.check()
    await this.pinsDb.del(cid.toString())
  }

  async pins (): Promise<CID[]> {
    this.check()
    const out: CID[] = []
    for await (const key of this.pinsDb.keys()) out.push(CID.parse(key))
    return out
  }

  async gc (): Promise<GcResult> {
    this.check()
    const live = new Set<string>()
    const liveRoots = new Set<string>()
    const addRoot = async (root: CID): Promise<void> => {
      live.add(root.toString())
      liveRoots.add(root.toString())
      const bytes = await this.files.read(root)
      if (bytes === undefined) return
      const obj = decodeRootObject(bytes)
      for (let i = 0; i < chunkCount(obj.size, obj.chunkSize); i++) live.add(chunkCidAt(obj, i).toString())
    }
    for (const pin of await this.pins()) {
      live.add(pin.toString())
      if (pin.code === CBOR_CODEC) await addRoot(pin)
      else if (pin.code === JSON_CODEC) {
        const bytes = await this.files.read(pin)
        if (bytes !== undefined) await addRoot(CID.parse(decodeManifestBytes(bytes).content.root))
      }
    }
    let removed = 0
    let freed = 0
    for await (const { name } of this.files.list()) {
      if (live.has(name)) continue
      freed += await this.files.remove(name)
      removed++
    }
    this.used -= freed
    for await (const key of this.roots.keys()) {
      if (liveRoots.has(key)) continue
      await this.roots.del(key)
      await this.clearHave(key)
    }
    log('gc removed %d blocks, %d bytes', removed, freed)
    return { removed, freed }
  }

  private async clearHave (root: string): Promise<void> {
    const batch = this.have.batch()
    for await (const key of this.have.keys({ gte: `${root}/`, lt: `${root}/~` })) batch.del(key)
    await batch.write()
  }

  private check (): void {
    if (this.closed) throw new StoreClosedError()
  }
}

/** Index keys sort numerically: eight hex digits cover any chunk count a root object allows. */
function haveKey (root: CID, index: number): string {
  return `${root.toString()}/${index.toString(16).padStart(8, '0')}`
}


