import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'

/** Datastore prefix of this node's own current record per name (served by the catalog, republished). */
const PUBLISHED_PREFIX = '/hypermesh/registry/published'

/** This node's own records, by name, in its LevelDB so they survive a restart. */
export class PublishedRecords {
  private readonly datastore: Datastore

  constructor (datastore: Datastore) {
    this.datastore = datastore
  }

  async put (name: string, bytes: Uint8Array): Promise<void> {
    await this.datastore.put(new Key(`${PUBLISHED_PREFIX}/${name}`), bytes)
  }

  async get (name: string): Promise<Uint8Array | undefined> {
    try {
      return await this.datastore.get(new Key(`${PUBLISHED_PREFIX}/${name}`))
    } catch (err: any) {
      if (err.name === 'NotFoundError') return undefined
      throw err
    }
  }

  async all (options: { signal?: AbortSignal } = {}): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>()
    for await (const { key, value } of this.datastore.query({ prefix: PUBLISHED_PREFIX }, options)) {
      out.set(key.baseNamespace(), value)
    }
    return out
  }
}
