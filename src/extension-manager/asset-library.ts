import type { CallOptions } from './config.ts'
import type { ExtensionManager } from './extension-manager.ts'
import type { AssetLibraryExtension, PackageFilter } from './types.ts'

/**
 * An AssetLibrary extension (category `AssetLibrary`, e.g. the catalog) as the node calls it.
 * installPackage and deployAsset are critical: the manager verifies their consensus proof
 * before the call reaches the extension.
 */
export function assetLibrary (manager: ExtensionManager, id: string, options: Omit<CallOptions, 'proof' | 'packageDigest'> = {}): AssetLibraryExtension {
  return {
    listPackages: async (filter?: PackageFilter) => await manager.call(id, 'listPackages', [filter ?? {}], options) as unknown[],
    installPackage: async (packageId, installOptions = {}) => {
      const { consensusProof, packageDigest, ...rest } = installOptions
      return await manager.call(id, 'installPackage', [packageId, rest], { ...options, proof: consensusProof, packageDigest })
    },
    deployAsset: async (spec, proof) => await manager.call(id, 'deployAsset', [spec], { ...options, proof })
  }
}
