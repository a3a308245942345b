/**
 * Asset types are open-ended names: the seed ships three, and extensions add more by
 * registering a handler. A name is a PascalCase identifier so it can appear in manifests,
 * proxy addresses and log lines without quoting.
 */
export type AssetType = 'VirtualMachine' | 'Container' | 'Library' | (string & {})

/** The asset types the seed names; handlers for them come from extensions (the catalog). */
export const BUILTIN_ASSET_TYPES: readonly AssetType[] = ['VirtualMachine', 'Container', 'Library']

/** Longest asset type name accepted; long enough for any real name, short enough for a DHT key. */
export const MAX_ASSET_TYPE_LENGTH = 64

const ASSET_TYPE_PATTERN = /^[A-Z][A-Za-z0-9]*$/

export function isAssetType (value: unknown): value is AssetType {
  return typeof value === 'string' && value.length <= MAX_ASSET_TYPE_LENGTH && ASSET_TYPE_PATTERN.test(value)
}
