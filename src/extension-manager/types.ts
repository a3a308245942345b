import type { Capability } from '../package/index.ts'
import type { AssetTypeRegistration } from './asset-bridge.ts'
import type { PublisherInfo } from './verifiers.ts'
import type { ExtensionQuotas } from './quotas.ts'

/** Where an extension is in its lifecycle. */
export type ExtensionState = 'discovered' | 'loading' | 'running' | 'stopping' | 'unloaded' | 'crashed' | 'failed'

/**
 * What an extension implements, as named exports of its entry module (see extensions/hello).
 * Every hook is optional; any other exported function is a request handler for the operation
 * phase, called with `manager.call(id, name, args)`.
 */
export interface HyperMeshExtension {
  /** Receives the node's config for this extension and the state the previous run exported. */
  initialize?: (config: unknown, state: unknown) => unknown
  /** The asset types this extension handles (each must be in the manifest's provided_assets). */
  registerAssets?: () => AssetTypeRegistration[] | Promise<AssetTypeRegistration[]>
  /** State to keep across shutdown, reload and restart (plain data, Uint8Arrays allowed). */
  exportState?: () => unknown
  shutdown?: () => unknown
}

/** The lifecycle hooks, which `call` refuses to run out of turn. */
export const LIFECYCLE_METHODS: readonly string[] = ['initialize', 'registerAssets', 'exportState', 'shutdown']

/** Filters for an asset library's `listPackages`. */
export interface PackageFilter {
  assetType?: string
  category?: string
  verifiedOnly?: boolean
  name?: string
  versionRange?: string
}

/** An extension of category AssetLibrary (the catalog), as the node calls it. */
export interface AssetLibraryExtension {
  listPackages: (filter?: PackageFilter) => Promise<unknown[]>
  /** `packageDigest` is the manifest digest of the package to install, which the proof is bound to. */
  installPackage: (id: string, options?: { verifySignatures?: boolean, consensusProof?: unknown, packageDigest?: string }) => Promise<unknown>
  deployAsset: (spec: unknown, proof: unknown) => Promise<unknown>
}

/** A plain-JSON view of one extension, for `ext list` / `ext info` and the control API. */
export interface ExtensionInfo {
  id: string
  name: string
  version: string
  category: string
  dir: string
  digest: string
  state: ExtensionState
  requestedCapabilities: string[]
  grantedCapabilities: Capability[]
  deniedCapabilities: Capability[]
  providedAssets: string[]
  dependencies: Array<{ extension_id: string, version_requirement: string }>
  publisher?: PublisherInfo
  quotas?: ExtensionQuotas
  restarts: number
  inFlight: number
  lastError?: { name: string, message: string }
  /** Why the package's signature stopped verifying (a revoked publisher): it is stopped until loaded again. */
  untrusted?: { name: string, message: string }
}

/** Every lifecycle step is an event on the manager; `detail` is plain JSON. */
export type ExtensionEventType =
  | 'extension:discovered' | 'extension:rejected' | 'extension:loading' | 'extension:granted'
  | 'extension:loaded' | 'extension:initialized' | 'extension:assets-registered' | 'extension:running'
  | 'extension:state-exported' | 'extension:shutdown' | 'extension:unloaded' | 'extension:crashed'
  | 'extension:restarting' | 'extension:failed' | 'extension:reloading' | 'extension:reloaded'
  | 'extension:rolled-back' | 'extension:installed' | 'extension:untrusted'

export interface ExtensionEventDetail {
  id: string
  [key: string]: unknown
}
