import { logger } from '@libp2p/logger'
import { BaseDatastore } from 'datastore-core'
import type { AbortOptions } from '@libp2p/interface'
import type { Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'

const log = logger('hypermesh:node:peer-cache')

/** libp2p's peer store keeps one record per peer under this prefix. */
const PEER_PREFIX = '/peers/'

/**
 * How long a changed peer record may wait in memory before it is written to LevelDB. libp2p
 * rewrites a peer's record (its `updated` time) on every stream the peer opens or accepts, and
 * reads it, and every peer a DHT answer names, from the datastore: on a 20-node mesh that was
 * the daemons' largest idle cost after the sockets themselves. A crash loses at most this much
 * of the peer store, a cache of addresses that the next connections refill.
 */
export const PEER_RECORD_FLUSH_MS = 5_000

/**
 * Peer records held in memory at most; beyond it the least recently used clean ones are
 * dropped (and read from LevelDB again when needed). Far above a mesh's connection count.
 */
export const PEER_RECORD_CACHE_MAX = 4_096

/**
 * The datastore libp2p is given: the node's LevelDB, with the peer store's records read from
 * memory and written behind (at most PEER_RECORD_FLUSH_MS late, and at `flush()`). Every other
 * key (DHT records, provider records, the registry's) goes straight through.
 */
export class PeerRecordCache extends BaseDatastore {
  readonly #inner: Datastore
  readonly #cache = new Map<string, Uint8Array>()
  readonly #dirty = new Set<string>()
  readonly #keys = new Map<string, Key>()
  #timer?: NodeJS.Timeout
  #flushing?: Promise<void>

  constructor (inner: Datastore) {
    super()
    this.#inner = inner
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    if (!k.startsWith(PEER_PREFIX)) return this.#inner.put(key, value, options)
    this.#remember(k, value)
    this.#keys.set(k, key)
    this.#dirty.add(k)
    this.#timer ??= setTimeout(() => { this.flush().catch(err => { log.error('peer store flush failed: %e', err) }) }, PEER_RECORD_FLUSH_MS).unref()
    return key
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const k = key.toString()
    if (!k.startsWith(PEER_PREFIX)) return this.#inner.get(key, options)
    const hit = this.#cache.get(k)
    if (hit !== undefined) {
      this.#remember(k, hit)
      return hit
    }
    const value = await this.#inner.get(key, options)
    // a put while the read was under way is newer than what LevelDB had
    const raced = this.#cache.get(k)
    if (raced !== undefined) return raced
    this.#remember(k, value)
    return value
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    const k = key.toString()
    if (k.startsWith(PEER_PREFIX) && this.#cache.has(k)) return true
    return this.#inner.has(key, options)
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    const k = key.toString()
    if (k.startsWith(PEER_PREFIX)) {
      this.#cache.delete(k)
      this.#dirty.delete(k)
      this.#keys.delete(k)
      // a batch being written may still hold the record
      await this.#flushing
    }
    await this.#inner.delete(key, options)
  }

  // queries read LevelDB, so pending peer records are written first (peerStore.all() is rare)
  override async * query (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    await this.flush()
    yield * this.#inner.query(q, options)
  }

  override async * queryKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    await this.flush()
    yield * this.#inner.queryKeys(q, options)
  }

  /** Writes every changed peer record to LevelDB; the node calls it after libp2p stops. */
  async flush (): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#flushing
    if (this.#dirty.size === 0) return
    const batch = this.#inner.batch()
    const written = [...this.#dirty]
    for (const k of written) batch.put(this.#keys.get(k)!, this.#cache.get(k)!)
    this.#dirty.clear()
    this.#flushing = Promise.resolve(batch.commit())
    try {
      await this.#flushing
    } catch (err) {
      // still unwritten: dirty again (unless deleted meanwhile), so the cache keeps them and the next flush retries
      for (const k of written) if (this.#cache.has(k)) this.#dirty.add(k)
      throw err
    } finally {
      this.#flushing = undefined
    }
  }

  /** Most recently used last (Map order); drops the oldest clean records beyond the cap. */
  #remember (k: string, value: Uint8Array): void {
    this.#cache.delete(k)
    this.#cache.set(k, value)
    if (this.#cache.size <= PEER_RECORD_CACHE_MAX) return
    for (const old of this.#cache.keys()) {
      if (this.#cache.size <= PEER_RECORD_CACHE_MAX) break
      if (this.#dirty.has(old)) continue
      this.#cache.delete(old)
      this.#keys.delete(old)
    }
  }
}
