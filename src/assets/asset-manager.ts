import { logger } from '@libp2p/logger'
import { Level } from 'level'
import { CustomProgressEvent } from '../util/progress.ts'
import { computeAssetId } from './asset-id.ts'
import { isAssetType } from './asset-type.ts'
import { AssetManagerClosedError, AssetNotFoundError, AssetOperationNotSupportedError, InvalidAssetTypeError } from './errors.ts'
import { HandlerRegistry } from './handler-registry.ts'
import { RecordCache } from './record-cache.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { AssetId } from './asset-id.ts'
import type { AssetType } from './asset-type.ts'
import type { AssetExtensionHandler, AssetMetadata, AssetRecord } from './handler.ts'

const log = logger('hypermesh:assets')

/**
 * Records kept in memory besides LevelDB: reads on the hot path (every asset operation starts
 * with one) then cost a map lookup. A record is a few hundred bytes, so this is a few MiB.
 */
export const RECORD_CACHE_SIZE = 10_000

const NO_OPTIONS: OperationOptions = Object.freeze({})

export interface AssetManagerInit {
  /** A LevelDB directory the manager opens and closes itself. */
  path?: string
  /** Or a database shared with other areas; the manager keeps its records in the `assets` sublevel. */
  db?: Level<string, string>
}

export interface AssetFilter {
  type?: AssetType
  owner?: string
}

export interface CreateAssetOptions extends OperationOptions {
  /** Metadata stored with the record besides what the handler returns. */
  metadata?: AssetMetadata
}

/**
 * Asset records (content-derived AssetId, type, owner, metadata) persisted in LevelDB, and the
 * registry of handlers by AssetType that extensions extend. The manager never interprets a
 * spec: it derives the id, asks the type's handler, then writes the record.
 */
export class AssetManager {
  readonly handlers = new HandlerRegistry()
  readonly #db: Level<string, string>
  readonly #ownsDb: boolean
  readonly #records
  /** Frozen copies of records; a hit changes no Map (see RecordCache). */
  readonly #cache = new RecordCache<AssetId, AssetRecord>(RECORD_CACHE_SIZE)
  #closed = false

  private constructor (db: Level<string, string>, ownsDb: boolean) {
    this.#db = db
    this.#ownsDb = ownsDb
    this.#records = db.sublevel<string, AssetRecord>('assets', { valueEncoding: 'json' })
  }

  static async open (init: AssetManagerInit): Promise<AssetManager> {
    const db = init.db ?? new Level<string, string>(requirePath(init.path))
    await db.open()
    return new AssetManager(db, init.db == null)
  }

  registerHandler (type: AssetType, owner: string, handler: AssetExtensionHandler): void {
    this.handlers.register(type, owner, handler)
    log('handler for %s registered by %s', type, owner)
  }

  unregisterHandlers (owner: string): AssetType[] {
    return this.handlers.unregisterOwner(owner)
  }

  /** Creates the asset, or returns the existing record when the same type and spec exist already. */
  async create (type: AssetType, spec: unknown, options: CreateAssetOptions = {}): Promise<AssetRecord> {
    this.#assertOpen()
    if (!isAssetType(type)) throw new InvalidAssetTypeError(String(type))
    const id = computeAssetId(type, spec)
    const existing = await this.#read(id)
    if (existing != null) return existing
    const { owner, handler } = this.handlers.get(type)
    options.signal?.throwIfAborted()
    const result = await handler.create(spec, { signal: options.signal })
    const now = Date.now()
    const record: AssetRecord = { id, type, owner, metadata: { ...options.metadata, ...result.metadata }, createdAt: now, updatedAt: now }
    await this.#write(record)
    options.onProgress?.(new CustomProgressEvent('assets:create:stored', { id, type }))
    return record
  }

  async get (id: AssetId): Promise<AssetRecord> {
    this.#assertOpen()
    const record = await this.#read(id)
    if (record == null) throw new AssetNotFoundError(id)
    return record
  }

  async has (id: AssetId): Promise<boolean> {
    this.#assertOpen()
    return (await this.#read(id)) != null
  }

  async list (filter: AssetFilter = {}): Promise<AssetRecord[]> {
    this.#assertOpen()
    const out: AssetRecord[] = []
    for await (const record of this.#records.values()) {
      if (filter.type != null && record.type !== filter.type) continue
      if (filter.owner != null && record.owner !== filter.owner) continue
      out.push(record)
    }
    return out
  }

  async update (id: AssetId, patch: unknown, options: OperationOptions = {}): Promise<AssetRecord> {
    const record = await this.get(id)
    const { handler } = this.handlers.get(record.type)
    const result = await handler.update(record, patch, { signal: options.signal })
    const updated: AssetRecord = { ...record, metadata: { ...record.metadata, ...result.metadata }, updatedAt: Date.now() }
    await this.#write(updated)
    return updated
  }

  async delete (id: AssetId, options: OperationOptions = {}): Promise<void> {
    const record = await this.get(id)
    const { handler } = this.handlers.get(record.type)
    await handler.delete(record, { signal: options.signal })
    await this.#records.del(id)
    this.#cache.delete(id)
  }

  /**
   * A type-specific operation, e.g. `start` on a VirtualMachine. The handler gets the cached
   * record itself, frozen, not a copy. Not async, and the caller's options are passed on as
   * they are: this is the hot path of asset use, where every promise and object per call shows.
   */
  invoke (id: AssetId, operation: string, args: unknown, options: OperationOptions = NO_OPTIONS): Promise<unknown> {
    const record = this.#closed ? undefined : this.#cache.get(id)
    if (record == null) return this.#invokeUncached(id, operation, args, options)
    try {
      return this.#handlerFor(record, operation).invoke!(record, operation, args, options)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  async #invokeUncached (id: AssetId, operation: string, args: unknown, options: OperationOptions): Promise<unknown> {
    const record = await this.get(id)
    return await this.#handlerFor(record, operation).invoke!(record, operation, args, options)
  }

  #handlerFor (record: AssetRecord, operation: string): AssetExtensionHandler {
    const { handler } = this.handlers.get(record.type)
    if (handler.invoke == null || !(handler.operations ?? []).includes(operation)) {
      throw new AssetOperationNotSupportedError(record.type, operation)
    }
    return handler
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#ownsDb) await this.#db.close()
  }

  async #read (id: AssetId): Promise<AssetRecord | undefined> {
    const cached = this.#cache.get(id)
    if (cached != null) return structuredClone(cached)
    const record = await this.#records.get(id)
    if (record != null) this.#remember(record)
    return record
  }

  async #write (record: AssetRecord): Promise<void> {
    await this.#records.put(record.id, record)
    this.#remember(record)
  }

  #remember (record: AssetRecord): void {
    this.#cache.set(record.id, deepFreeze(structuredClone(record)))
  }

  #assertOpen (): void {
    if (this.#closed) throw new AssetManagerClosedError()
  }
}

/** Freezes a plain-JSON value all the way down, so a shared cached record cannot be changed by whoever holds it. */
function deepFreeze<T> (value: T): T {
  // a typed array cannot be frozen; records are JSON in LevelDB, so none survives a reload anyway
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

function requirePath (path: string | undefined): string {
  if (path == null) throw new TypeError('AssetManager.open needs `path` or `db`')
  return path
}
