import { isAssetType } from './asset-type.ts'
import { AssetTypeAlreadyRegisteredError, InvalidAssetTypeError, NoAssetHandlerError } from './errors.ts'
import type { AssetType } from './asset-type.ts'
import type { AssetExtensionHandler } from './handler.ts'

interface Entry { owner: string, handler: AssetExtensionHandler }

/** One handler per asset type; the owner is remembered so an unloading extension takes its own away. */
export class HandlerRegistry {
  readonly #entries = new Map<AssetType, Entry>()

  register (type: AssetType, owner: string, handler: AssetExtensionHandler): void {
    if (!isAssetType(type)) throw new InvalidAssetTypeError(String(type))
    const existing = this.#entries.get(type)
    if (existing != null) throw new AssetTypeAlreadyRegisteredError(type, existing.owner)
    this.#entries.set(type, { owner, handler })
  }

  /** Removes every handler `owner` registered; returns the types removed. */
  unregisterOwner (owner: string): AssetType[] {
    const removed: AssetType[] = []
    for (const [type, entry] of this.#entries) {
      if (entry.owner === owner) {
        this.#entries.delete(type)
        removed.push(type)
      }
    }
    return removed
  }

  get (type: AssetType): Entry {
    const entry = this.#entries.get(type)
    if (entry == null) throw new NoAssetHandlerError(type)
    return entry
  }

  has (type: AssetType): boolean {
    return this.#entries.has(type)
  }

  types (): Array<{ type: AssetType, owner: string }> {
    return [...this.#entries].map(([type, { owner }]) => ({ type, owner }))
  }
}
