/**
 * Extension manager: packages become extensions that a node loads, runs and unloads safely.
 *
 * ## Design
 * **The node never runs package code itself.** It starts one extension host, when the first
 * extension loads (a node running none has no child at all): a child process
 * (`node --no-node-snapshot --permission --allow-addons --allow-fs-read=<its own code,
 * isolated-vm> --single-threaded-gc --max-semi-space-size=1`) that runs one isolated-vm isolate
 * per extension. Two walls:
 * 1. the isolate: package code sees only `globalThis.hm`, built from one host reference; no
 *    `require`/`import` (module imports are refused), no fs, sockets, timers or processes;
 * 2. the permission model on the host process: should an isolate escape, the process can read
 *    only its own code and cannot write files, spawn processes or start workers. (It does not
 *    stop sockets, which is why capability calls are decided in the node, not the host.)
 *
 * **Capabilities are host-side functions.** `hm.call(capability, operation, …args)` crosses to
 * the host process, then over IPC to the node, where CapabilityRouter checks the grant (fixed at
 * activation: requested ∩ policy ∩ certificate scope, decided by grantCapabilities alone), then
 * the quota, then runs the provider. Storage and Log reach only the extension's own data and need
 * no grant.
 *
 * **Quotas are counted where they cannot be dodged:**
 * - memory (heap incl. ArrayBuffers): the isolate's `memoryLimit` (host process);
 * - CPU: `timeout` per run of extension code — and every run is a synchronous entry by the host
 *   (the calls and capability answers of one turn, with the promise continuations those answers
 *   resume), so a loop after an `await` is bounded too — plus a watchdog that reads each
 *   isolate's `cpuTime` every 10 ms into a token bucket (rate = cpuPercent of a core, capacity =
 *   cpuBurstMs) and disposes an isolate in debt (host process);
 * - storage: byte accounting of key + value, written in the same LevelDB batch as the data (node);
 * - network: a token bucket of bytes/s in front of the NetworkSink (node);
 * - concurrent operations: a refusing semaphore for calls into the extension and another for
 *   capability calls out of it; the one past the limit gets ConcurrencyQuotaExceededError (node).
 *
 * **Lifecycle**: discover (schema, content root, signature via SignatureVerifier, host range) →
 * load (semver dependency order, grants, quotas, isolate) → initialize(config, exported state)
 * → registerAssets (forwarding handlers in the AssetManager) → operate (`call`, asset operations)
 * → shutdown (exportState persisted, shutdown hook, isolate disposed, registry updated).
 * Discovered extensions load lazily on first call or first asset operation on a type they
 * provide. Hot reload hands the exported state to the new version and restores the old one if
 * the new one fails. An extension stopped by a quota or a host crash is restarted with
 * exponential backoff from its last exported state; after `maxRestarts` it is marked failed.
 * Every step is an event (`extension:*`) on the manager.
 *
 * **Costs of the boundary** (the asset operation hot path): calls made in one event-loop turn
 * cross to the host as one IPC message holding one flat array per extension (callId, method,
 * args triples), enter the isolate as one synchronous run on the host's main thread (no thread
 * hop, no promise per call) and come back as one flat array of answers; a synchronous export
 * answers within the run, a promise-returning one later through a callback. Call deadlines are
 * checked by one sweep, not a timer per call. Calls in flight wait in slot tables, never in
 * Maps whose entries churn: V8 links a rehashed or cleared Map's old table to its new one, and
 * once one old table is promoted every scavenge keeps all recent calls alive (host/slot-table.ts). The price of synchronous runs: a runaway run holds
 * up the host's other isolates for at most its `callTimeoutMs`, after which it is cut off (and
 * the CPU budget stops an extension that keeps doing it). Calls without a caller signal time
 * out after CALL_TIMEOUT_MS (their concurrency slot stays taken until the extension really
 * answers); shutdown drains calls in flight before it exports state.
 *
 * An extension is an ES module (manifest `entry`) exporting optional hooks — initialize,
 * registerAssets, exportState, shutdown — asset handlers (createAsset, getAsset, updateAsset,
 * deleteAsset, invokeAsset) and request handlers; see extensions/hello.
 *
 * @packageDocumentation
 */
export { ExtensionManager } from './extension-manager.ts'
export { HOST_VERSION, CALL_TIMEOUT_MS, DRAIN_TIMEOUT_MS, LIFECYCLE_TIMEOUT_MS, NETWORK_BURST_SECONDS, CRITICAL_LIBRARY_METHODS } from './config.ts'
export type { ExtensionManagerConfig, CallOptions } from './config.ts'
export { assetLibrary } from './asset-library.ts'
export { grantCapabilities, isCapability, DEFAULT_POLICY } from './capabilities.ts'
export type { CapabilityPolicy, Grant, GrantSubject } from './capabilities.ts'
export { resolveLoadOrder, dependentsOf } from './dependencies.ts'
export { discoverExtensions, inspectPackage } from './discovery.ts'
export type { DiscoveredExtension, DiscoveryResult, InspectOptions } from './discovery.ts'
export { readPackageDir, MANIFEST_FILE } from './package-dir.ts'
export type { PackageDir } from './package-dir.ts'
export { manifestForFiles, contentRootOf, isPackageMetaFile } from './content-check.ts'
export { DEFAULT_QUOTAS, MIN_MEMORY_BYTES, resolveQuotas } from './quotas.ts'
export type { ExtensionQuotas } from './quotas.ts'
export { DEFAULT_RESTART_POLICY, restartDelay } from './restart-policy.ts'
export type { RestartPolicy } from './restart-policy.ts'
export { SELF_SERVICES } from './capability-router.ts'
export type { CapabilityProvider, CapabilityOperation, NetworkSink, Activation } from './capability-router.ts'
export { ASSET_METHODS } from './asset-bridge.ts'
export type { AssetTypeRegistration } from './asset-bridge.ts'
export { TokenBucket } from './token-bucket.ts'
export { Semaphore } from './semaphore.ts'
export { LIFECYCLE_METHODS } from './types.ts'
export type {
  HyperMeshExtension, AssetLibraryExtension, PackageFilter, ExtensionInfo, ExtensionState,
  ExtensionEventType, ExtensionEventDetail
} from './types.ts'
export type { SignatureVerifier, ProofVerifier, PublisherInfo } from './verifiers.ts'
export type { HostPermissions } from './host/protocol.ts'
export { trustChainVerifier, SIGNATURE_FILE, VERIFIED_TRUST_LEVEL } from './trust-verifier.ts'
export { consensusProofVerifier, PROOF_OPERATIONS } from './consensus-verifier.ts'
export * from './errors.ts'
