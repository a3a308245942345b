import type { AssetExtensionHandler, AssetRecord } from '../assets/index.ts'

/** What an extension's registerAssets() returns for each asset type it handles. */
export interface AssetTypeRegistration {
  type: string
  /** Type-specific operations, e.g. `start`. */
  operations?: string[]
}

/** The exports an extension implements for its asset types, all taking the type first. */
export const ASSET_METHODS = ['createAsset', 'getAsset', 'updateAsset', 'deleteAsset', 'invokeAsset'] as const

type Call = (method: string, args: unknown[], signal?: AbortSignal) => Promise<unknown>

/**
 * The AssetManager handler for a type an extension provides: each operation is a call into
 * the extension (which loads it first when it is not running, so asset use is lazy loading).
 */
export function forwardingHandler (type: string, call: Call, operations: () => readonly string[]): AssetExtensionHandler {
  return {
    create: async (spec, options) => await call('createAsset', [type, spec], options?.signal) as { metadata?: Record<string, unknown> } ?? {},
    get: async (record: AssetRecord, options) => await call('getAsset', [type, record], options?.signal),
    update: async (record, patch, options) => await call('updateAsset', [type, record, patch], options?.signal) as { metadata?: Record<string, unknown> } ?? {},
    delete: async (record, options) => { await call('deleteAsset', [type, record], options?.signal) },
    get operations () { return operations() },
    // not async: the hot path of asset use
    invoke: (record, operation, args, options) => call('invokeAsset', [type, record, operation, args], options?.signal)
  }
}
