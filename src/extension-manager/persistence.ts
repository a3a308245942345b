import * as cborg from 'cborg'
import { StorageQuotaExceededError } from './errors.ts'
import type { Level } from 'level'

/** What the node remembers about an installed extension between runs. */
export interface InstalledRecord {
  id: string
  version: string
  dir: string
  digest: string
  /** `loaded` while it runs, `unloaded` after a clean shutdown, `failed` after too many crashes. */
  status: 'loaded' | 'unloaded' | 'failed'
  updatedAt: number
}

/** Longest key an extension may use in its storage; keys are names, not data. */
export const MAX_STORAGE_KEY_BYTES = 1024

/**
 * The extension manager's LevelDB sublevels: installed extensions, exported state, and each
 * extension's own key-value storage with its byte count. The byte count is written in the same
 * batch as the data it counts, so it survives a crash consistent with it.
 */
export class ExtensionPersistence {
  readonly #root
  readonly #installed
  readonly #state
  readonly #data
  readonly #usage

  constructor (db: Level<string, string>) {
    const root = db.sublevel('extensions')
    this.#root = root
    this.#installed = root.sublevel<string, InstalledRecord>('installed', { valueEncoding: 'json' })
    this.#state = root.sublevel<string, Uint8Array>('state', { valueEncoding: 'view' })
    this.#data = root.sublevel<string, Uint8Array>('data', { valueEncoding: 'view' })
    this.#usage = root.sublevel<string, number>('usage', { valueEncoding: 'json' })
  }

  async putInstalled (record: InstalledRecord): Promise<void> {
    await this.#installed.put(record.id, record)
  }

  async getInstalled (id: string): Promise<InstalledRecord | undefined> {
    return await this.#installed.get(id)
  }

  async listInstalled (): Promise<InstalledRecord[]> {
    return await this.#installed.values().all()
  }

  /** Persists exported state; it counts against the same storage quota as the extension's data. */
  async saveState (id: string, state: unknown, quota: number): Promise<void> {
    const bytes = cborg.encode(state ?? null)
    if (bytes.byteLength + await this.usage(id) > quota) throw new StorageQuotaExceededError(id, quota)
    await this.#state.put(id, bytes)
  }

  async loadState (id: string): Promise<unknown> {
    const bytes = await this.#state.get(id)
    return bytes == null ? undefined : cborg.decode(bytes)
  }

  async usage (id: string): Promise<number> {
    return await this.#usage.get(id) ?? 0
  }

  async get (id: string, key: string): Promise<Uint8Array | undefined> {
    return await this.#data.get(dataKey(id, key))
  }

  /** Writes `value` under `key` unless the extension's bytes would then exceed `quota`. */
  async put (id: string, key: string, value: Uint8Array, quota: number): Promise<number> {
    const k = dataKey(id, key)
    const old = await this.#data.get(k)
    const used = await this.usage(id)
    const next = used - (old == null ? 0 : k.length + old.byteLength) + k.length + value.byteLength
    if (next > quota) throw new StorageQuotaExceededError(id, quota)
    await this.#root.batch()
      .put(k, value, { sublevel: this.#data })
      .put(id, next, { sublevel: this.#usage })
      .write()
    return next
  }

  async delete (id: string, key: string): Promise<number> {
    const k = dataKey(id, key)
    const old = await this.#data.get(k)
    const used = await this.usage(id)
    if (old == null) return used
    const next = used - k.length - old.byteLength
    await this.#root.batch()
      .del(k, { sublevel: this.#data })
      .put(id, next, { sublevel: this.#usage })
      .write()
    return next
  }
}

function dataKey (id: string, key: string): string {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > MAX_STORAGE_KEY_BYTES) {
    throw new TypeError(`storage keys are non-empty strings of at most ${MAX_STORAGE_KEY_BYTES} bytes`)
  }
  return `${id}\u0000${key}`
}
