import type { AssetId } from './asset-id.ts'
import type { AssetType } from './asset-type.ts'

/** Plain-JSON metadata kept with an asset record. */
export type AssetMetadata = Record<string, unknown>

/** One persisted asset: what the AssetManager knows without asking the owning extension. */
export interface AssetRecord {
  id: AssetId
  type: AssetType
  /** The id of the extension (or `node`) whose handler created the asset. */
  owner: string
  metadata: AssetMetadata
  /** Milliseconds since the epoch. */
  createdAt: number
  updatedAt: number
}

export interface AssetCallOptions {
  signal?: AbortSignal
}

/**
 * The asset-specific operations an extension provides for one asset type. `create` runs before
 * the record is written and `delete` before it is removed, so a failing handler leaves the
 * registry unchanged.
 */
export interface AssetExtensionHandler {
  create: (spec: unknown, options?: AssetCallOptions) => Promise<{ metadata?: AssetMetadata }>
  get?: (record: AssetRecord, options?: AssetCallOptions) => Promise<unknown>
  update: (record: AssetRecord, patch: unknown, options?: AssetCallOptions) => Promise<{ metadata?: AssetMetadata }>
  delete: (record: AssetRecord, options?: AssetCallOptions) => Promise<void>
  /** Type-specific operations, e.g. `start` for a VirtualMachine. */
  operations?: readonly string[]
  invoke?: (record: AssetRecord, operation: string, args: unknown, options?: AssetCallOptions) => Promise<unknown>
}
