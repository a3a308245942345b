import type { CapabilityPolicy } from './capabilities.ts'
import type { CapabilityProvider, NetworkSink } from './capability-router.ts'
import type { ExtensionQuotas } from './quotas.ts'
import type { RestartPolicy } from './restart-policy.ts'
import type { ProofVerifier, SignatureVerifier } from './verifiers.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { Level } from 'level'

/** This node's version, which manifests' `hypermesh` ranges are checked against. */
export const HOST_VERSION = '0.1.0'

/**
 * How long a call waits for the extension when the caller gives no signal. The call's
 * concurrency slot stays taken until the extension really answers, so a hung extension
 * runs out of slots rather than the node out of memory.
 */
export const CALL_TIMEOUT_MS = 30_000

/** How long shutdown waits for calls in flight to finish before it exports state anyway. */
export const DRAIN_TIMEOUT_MS = 5_000

/** Longest a lifecycle hook (initialize, registerAssets, exportState, shutdown) may take. */
export const LIFECYCLE_TIMEOUT_MS = 10_000

/**
 * Share of a second of bandwidth a sender may burst: enough to absorb per-message overhead,
 * small enough that the rate measured over any second stays within a few percent of the limit.
 */
export const NETWORK_BURST_SECONDS = 0.05

export interface ExtensionManagerConfig {
  /** Directories whose subdirectories are unpacked packages; scanned at start and by discover(). */
  directories: string[]
  /**
   * Where installExtension() puts packages.
   * @default directories[0]
   */
  installDir?: string
  /** A LevelDB shared with the node (the manager uses the `extensions` sublevel), or … */
  db?: Level<string, string>
  /** … a LevelDB directory the manager opens itself. */
  path?: string
  /** @default HOST_VERSION */
  hostVersion?: string
  /** Which capabilities extensions may be granted. @default DEFAULT_POLICY */
  policy?: CapabilityPolicy
  /** Quotas for every extension, over the seed's defaults. */
  quotas?: Partial<ExtensionQuotas>
  /** Quotas for one extension id, over `quotas`. */
  extensionQuotas?: Record<string, Partial<ExtensionQuotas>>
  /** Passed to each extension's initialize(). */
  extensionConfig?: Record<string, unknown>
  signatureVerifier?: SignatureVerifier
  /**
   * Refuse packages whose signature cannot be checked.
   * @default true
   */
  requireSignatures?: boolean
  /** Verifies consensus proofs for critical operations; without one, critical operations are refused. */
  proofVerifier?: ProofVerifier
  /** Where NetworkAccess sends bytes. */
  network?: NetworkSink
  /** Host functions for the remaining capabilities. */
  providers?: Record<string, CapabilityProvider>
  /**
   * Extensions loaded by start(); the others load on first use.
   * @default []
   */
  autoload?: string[]
  restart?: Partial<RestartPolicy>
  /**
   * Longest a lifecycle step (isolate start with top-level code, or a hook) may take, in ms.
   * @default LIFECYCLE_TIMEOUT_MS
   */
  lifecycleTimeoutMs?: number
}

export interface CallOptions extends OperationOptions {
  /** A consensus proof, for critical operations. */
  proof?: unknown
  /**
   * The digest the proof is bound to, when the operation is about another package than the
   * extension called (an asset library installing a package).
   * @default the called extension's manifest digest
   */
  packageDigest?: string
}

/** The AssetLibrary operations that change what a node runs, and so need a consensus proof. */
export const CRITICAL_LIBRARY_METHODS: readonly string[] = ['installPackage', 'deployAsset']
