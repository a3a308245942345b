/**
 * Assets: the AssetManager keeps asset records (content-derived AssetId, type, owning extension,
 * metadata) in LevelDB and a registry of handlers by AssetType. The seed names VirtualMachine,
 * Container and Library; extensions register handlers for those and for types of their own.
 * The manager knows nothing of extensions' code: a handler is any object with the
 * AssetExtensionHandler operations (the extension manager plugs in handlers that forward into
 * a sandboxed extension).
 *
 * @packageDocumentation
 */
export { AssetManager, RECORD_CACHE_SIZE } from './asset-manager.ts'
export type { AssetManagerInit, AssetFilter, CreateAssetOptions } from './asset-manager.ts'
export { computeAssetId, isAssetId } from './asset-id.ts'
export type { AssetId } from './asset-id.ts'
export { BUILTIN_ASSET_TYPES, MAX_ASSET_TYPE_LENGTH, isAssetType } from './asset-type.ts'
export type { AssetType } from './asset-type.ts'
export { HandlerRegistry } from './handler-registry.ts'
export type { AssetExtensionHandler, AssetRecord, AssetMetadata, AssetCallOptions } from './handler.ts'
export * from './errors.ts'
