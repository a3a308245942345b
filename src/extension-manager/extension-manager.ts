import { cp, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import { Level } from 'level'
import { HyperMeshError } from '../util/errors.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import { forwardingHandler } from './asset-bridge.ts'
import { grantCapabilities } from './capabilities.ts'
import { CapabilityRouter } from './capability-router.ts'
import { CALL_TIMEOUT_MS, CRITICAL_LIBRARY_METHODS, DRAIN_TIMEOUT_MS, HOST_VERSION, LIFECYCLE_TIMEOUT_MS, NETWORK_BURST_SECONDS } from './config.ts'
import { dependentsOf, resolveLoadOrder } from './dependencies.ts'
import { discoverExtensions, inspectPackage } from './discovery.ts'
import { newEntry, raceTimeout, toInfo } from './entry.ts'
import { toWire as wire } from './host/protocol.ts'
import {
  ConcurrencyQuotaExceededError, ConsensusProofRequiredError, ExtensionAlreadyLoadedError, ExtensionCallTimeoutError, ExtensionCrashedError,
  ExtensionFailedError, ExtensionInUseError, ExtensionLifecycleTimeoutError, ExtensionManagerStoppedError,
  ExtensionNotFoundError, ExtensionNotReadyError, ExtensionUntrustedError, ExtensionReloadFailedError, ReservedMethodError,
  UndeclaredAssetTypeError, rebuildError
} from './errors.ts'
import { HostProcess } from './host/host-process.ts'
import { ExtensionPersistence } from './persistence.ts'
import { resolveQuotas } from './quotas.ts'
import { DEFAULT_RESTART_POLICY, restartDelay } from './restart-policy.ts'
import { Semaphore } from './semaphore.ts'
import { TokenBucket } from './token-bucket.ts'
import { LIFECYCLE_METHODS } from './types.ts'
import type { AssetManager } from '../assets/index.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { AssetTypeRegistration } from './asset-bridge.ts'
import type { CallOptions, ExtensionManagerConfig } from './config.ts'
import type { DiscoveredExtension, DiscoveryResult } from './discovery.ts'
import type { Entry } from './entry.ts'
import type { HostPermissions, WireError } from './host/protocol.ts'
import type { RestartPolicy } from './restart-policy.ts'
import type { ExtensionEventDetail, ExtensionEventType, ExtensionInfo } from './types.ts'

const log = logger('hypermesh:extension-manager')

/** How often shutdown looks whether the calls in flight have finished. */
const DRAIN_POLL_MS = 5

/**
 * The extension manager: discovery, dependency order, grants, quotas, the sandbox host, and
 * the lifecycle of every extension (see index.ts for the design).
 */
export class ExtensionManager extends EventTarget {
  readonly #assets: AssetManager
  readonly #config: ExtensionManagerConfig
  readonly #restart: RestartPolicy
  readonly #entries = new Map<string, Entry>()
  #db?: Level<string, string>
  #persistence?: ExtensionPersistence
  #router?: CapabilityRouter
  #host?: HostProcess
  #hostStarting?: Promise<HostProcess>
  #hostRestarts = 0
  #stopped = false

  constructor (assetManager: AssetManager, config: ExtensionManagerConfig) {
    super()
    this.#assets = assetManager
    this.#config = config
    this.#restart = { ...DEFAULT_RESTART_POLICY, ...config.restart }
  }

  async start (options: OperationOptions = {}): Promise<void> {
    this.#db = this.#config.db ?? new Level<string, string>(requirePath(this.#config.path))
    await this.#db.open()
    this.#persistence = new ExtensionPersistence(this.#db)
    this.#router = new CapabilityRouter({ assets: this.#assets, persistence: this.#persistence, network: this.#config.network, providers: this.#config.providers })
    // the host process starts with the first extension that loads: a node running none (most of a
    // mesh's nodes) would otherwise keep an idle child of ~80 MB and its timers
    await this.discover(options)
    for (const id of this.#config.autoload ?? []) await this.loadExtension(id, options)
  }

  /** Unloads every extension (dependents first, state exported) and ends the host process. */
  async stop (): Promise<void> {
    if (this.#stopped) return
    const running = [...this.#entries.values()].filter(e => e.state === 'running').map(e => e.pkg.manifest.id)
    const order = running.length === 0 ? [] : resolveLoadOrder(running, this.#manifests()).reverse()
    for (const id of order) {
      if (this.#entries.get(id)?.state === 'running') await this.#deactivate(this.#entries.get(id)!, 'unloaded')
    }
    this.#stopped = true
    for (const [id, entry] of this.#entries) {
      clearTimeout(entry.restartTimer)
      this.#assets.unregisterHandlers(id)
    }
    await this.#host?.stop()
    if (this.#config.db == null) await this.#db?.close()
  }

  /** Scans the configured directories; new and newer packages become known (and lazily loadable). */
  async discover (options: OperationOptions = {}): Promise<DiscoveryResult> {
    const result = await discoverExtensions(this.#config.directories, this.#inspectOptions(options))
    for (const { dir, error } of result.rejected) this.#emit('extension:rejected', { id: dir, error: { name: error.name, message: error.message } })
    for (const pkg of result.found.values()) this.#know(pkg)
    return result
  }

  /** Loads an extension by id (known from discovery) or from a package directory, dependencies first. */
  async loadExtension (idOrDir: string, options: OperationOptions = {}): Promise<ExtensionInfo> {
    this.#assertStarted()
    let id = idOrDir
    if (idOrDir.includes('/')) {
      const pkg = await inspectPackage(idOrDir, this.#inspectOptions(options))
      id = pkg.manifest.id
      const known = this.#entries.get(id)
      if (known?.state === 'running' && known.pkg.dir !== pkg.dir) throw new ExtensionAlreadyLoadedError(id)
      this.#know(pkg)
    }
    const entry = this.#entry(id)
    // a package stopped for its signature is checked again: loading must not revive a revoked publisher
    if (entry.untrusted !== undefined) {
      await this.#verifySignature(entry, options)
      entry.untrusted = undefined
    }
    entry.disabled = false
    if (entry.state === 'failed') { entry.state = 'unloaded'; entry.restarts = 0 }
    await this.#ensureRunning(id, options)
    return toInfo(entry)
  }

  /** The extension host process's pid (for diagnostics and crash tests). */
  get hostPid (): number | undefined {
    return this.#host?.pid
  }

  /** What the extension host process may do under the permission model (its second wall). */
  async hostPermissions (): Promise<HostPermissions> {
    return await (await this.#ensureHost()).permissions()
  }

  getExtension (id: string): ExtensionInfo | undefined {
    const entry = this.#entries.get(id)
    return entry == null ? undefined : toInfo(entry)
  }

  listExtensions (): ExtensionInfo[] {
    return [...this.#entries.values()].map(e => toInfo(e))
  }

  /** Exports the extension's state (persisted), runs its shutdown hook and stops it. */
  async unloadExtension (id: string, options: OperationOptions = {}): Promise<void> {
    const entry = this.#entry(id)
    const dependents = dependentsOf(id, this.#manifests()).filter(d => this.#entries.get(d)?.state === 'running')
    if (dependents.length > 0) throw new ExtensionInUseError(id, dependents)
    entry.disabled = true
    clearTimeout(entry.restartTimer)
    await this.#settled(entry)
    if (entry.state === 'running') await this.#deactivate(entry, 'unloaded', options)
  }

  /**
   * Checks every signed extension's signature again against the trust store as it is now; the
   * daemon calls it when a revocation list arrives. An extension whose signature no longer
   * verifies (its publisher certificate or an issuer revoked, expired) is stopped as an unload
   * stops it (state exported), after the running extensions that depend on it, and stays
   * stopped: lazy loading, the restart policy and dependents' loads do not bring it back, and an
   * explicit load checks the signature again. Returns the ids it stopped or marked.
   */
  async recheckTrust (options: OperationOptions = {}): Promise<string[]> {
    const untrusted: string[] = []
    for (const entry of this.#entries.values()) {
      if (entry.pkg.publisher === undefined || entry.untrusted !== undefined) continue
      try {
        await this.#verifySignature(entry, options)
      } catch (err: any) {
        entry.untrusted = { name: err.name, message: err.message }
        entry.disabled = true
        clearTimeout(entry.restartTimer)
        untrusted.push(entry.pkg.manifest.id)
        this.#emit('extension:untrusted', { id: entry.pkg.manifest.id, error: entry.untrusted }, options)
      }
    }
    if (untrusted.length === 0) return []
    // stop dependents first: a running extension never outlives what it depends on
    const manifests = this.#manifests()
    const stopping = new Set<string>()
    const visit = (id: string): void => {
      if (stopping.has(id)) return
      for (const dependent of dependentsOf(id, manifests)) visit(dependent)
      stopping.add(id)
    }
    for (const id of untrusted) visit(id)
    // dependents are only stopped, not disabled: while their dependency is untrusted a load of
    // theirs fails on it, and once it is trusted again they load lazily as before
    for (const id of stopping) {
      const entry = this.#entry(id)
      clearTimeout(entry.restartTimer)
      await this.#settled(entry)
      if (entry.state === 'running') await this.#deactivate(entry, 'unloaded', options)
    }
    return untrusted
  }

  async #verifySignature (entry: Entry, options: OperationOptions): Promise<void> {
    const verifier = this.#config.signatureVerifier
    if (verifier == null || entry.pkg.publisher === undefined) return
    const { dir, manifest, manifestBytes } = entry.pkg
    await verifier.verifyPackage({ dir, manifest, manifestBytes }, options)
  }

  /**
   * Replaces a running extension with the package in `dir` (or its own directory re-read):
   * the old version exports its state, the new one initialises with it; if the new one fails
   * to start, the old one is started again with the same state and the failure is thrown.
   */
  async reloadExtension (id: string, options: OperationOptions & { dir?: string } = {}): Promise<ExtensionInfo> {
    const entry = this.#entry(id)
    const next = await inspectPackage(options.dir ?? entry.pkg.dir, this.#inspectOptions(options))
    if (next.manifest.id !== id) throw new ExtensionNotFoundError(`${id} (the package in ${next.dir} is ${next.manifest.id})`)
    await this.#settled(entry)
    // calls that arrive during the swap wait for it instead of lazily starting the old version
    const swap = Promise.resolve().then(async () => { await this.#swap(entry, next, options) })
    entry.loading = swap.then(() => {}, () => {})
    try {
      await swap
    } finally {
      entry.loading = undefined
    }
    return toInfo(entry)
  }

  async #swap (entry: Entry, next: DiscoveredExtension, options: OperationOptions): Promise<void> {
    const id = next.manifest.id
    const previous = entry.pkg
    this.#emit('extension:reloading', { id, from: previous.manifest.version, to: next.manifest.version }, options)
    let state: unknown
    try {
      state = entry.state === 'running' ? await this.#deactivate(entry, 'unloaded', options) : await this.#persistence!.loadState(id)
      entry.pkg = next
      await this.#activate(entry, state, options)
    } catch (err) {
      entry.pkg = previous
      try {
        await this.#activate(entry, state ?? await this.#persistence!.loadState(id), options)
      } catch (rollbackError) {
        throw new ExtensionReloadFailedError(id, new AggregateError([err, rollbackError], 'the new version and the rollback both failed'))
      }
      this.#emit('extension:rolled-back', { id, version: previous.manifest.version, error: wire(err) }, options)
      throw new ExtensionReloadFailedError(id, err)
    }
    this.#emit('extension:reloaded', { id, version: next.manifest.version }, options)
  }

  /** Waits for a load in progress to finish; its outcome is its own caller's to handle. */
  async #settled (entry: Entry): Promise<void> {
    await entry.loading?.then(() => {}, () => {})
  }

  /**
   * Copies a package directory into the install directory (atomically: copy, then rename),
   * after discovery's checks and, when a proof verifier is configured, the consensus proof for
   * `install`; then loads it.
   */
  async installExtension (dir: string, options: OperationOptions & { consensusProof?: unknown } = {}): Promise<ExtensionInfo> {
    this.#assertStarted()
    const pkg = await inspectPackage(dir, this.#inspectOptions(options))
    await this.#verifyProof('install', pkg.digest, options.consensusProof, options)
    const root = this.#config.installDir ?? this.#config.directories[0]
    const target = join(root, `${pkg.manifest.id}@${pkg.manifest.version}`)
    const staging = `${target}.partial-${process.pid}-${Date.now()}`
    await mkdir(root, { recursive: true })
    await cp(dir, staging, { recursive: true, verbatimSymlinks: true })
    await rm(target, { recursive: true, force: true })
    await rename(staging, target)
    const installed = await inspectPackage(target, this.#inspectOptions(options))
    this.#emit('extension:installed', { id: installed.manifest.id, version: installed.manifest.version, dir: target })
    const running = this.#entries.get(installed.manifest.id)?.state === 'running'
    if (running) return await this.reloadExtension(installed.manifest.id, { ...options, dir: target })
    this.#know(installed)
    return await this.loadExtension(installed.manifest.id, options)
  }

  /**
   * A request to a running extension (loading it first if it is not). Refused when the
   * extension already has its quota of operations in flight. Methods an AssetLibrary marks
   * critical need a consensus proof.
   */
  async call (id: string, method: string, args: unknown[] = [], options: CallOptions = {}): Promise<unknown> {
    if (LIFECYCLE_METHODS.includes(method)) throw new ReservedMethodError(method)
    const entry = this.#entry(id)
    if (entry.pkg.manifest.category === 'AssetLibrary' && CRITICAL_LIBRARY_METHODS.includes(method)) {
      await this.#verifyProof(method, options.packageDigest ?? entry.pkg.digest, options.proof, options)
    }
    await this.#ensureRunning(id, options)
    return await this.#invoke(entry, method, args, options.signal)
  }

  /** The inbound path shared by requests and asset operations: quota, host call, error mapping. */
  #invoke (entry: Entry, method: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    // a reload or restart began after this call was admitted: wait for it rather than fail
    if (entry.state !== 'running' && entry.loading != null) return this.#invokeAfterLoading(entry, method, args, signal)
    const id = entry.pkg.manifest.id
    if (entry.state !== 'running' || entry.inbound == null) return Promise.reject(new ExtensionNotReadyError(id, entry.state))
    const inbound = entry.inbound
    if (!inbound.tryAcquire()) return Promise.reject(new ConcurrencyQuotaExceededError(id, inbound.limit))
    // the slot is freed when the extension answers, not when the caller stops waiting; failures
    // come back as named errors (HostCallbacks.callError)
    return this.#host!.call(id, method, args, signal == null ? entry.inboundOptions : { onAnswer: inbound.release, signal })
  }

  async #invokeAfterLoading (entry: Entry, method: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    while (entry.state !== 'running' && entry.loading != null) await entry.loading
    return await this.#invoke(entry, method, args, signal)
  }

  async #ensureRunning (id: string, options: OperationOptions): Promise<void> {
    if (this.#stopped) throw new ExtensionManagerStoppedError()
    const entry = this.#entry(id)
    if (entry.state === 'running') return
    if (entry.loading != null) { await entry.loading; return }
    if (entry.state === 'failed') throw new ExtensionFailedError(id, entry.restarts)
    // a crashed extension comes back on its backoff schedule, not at the next caller's request
    if (entry.state === 'crashed') throw new ExtensionNotReadyError(id, 'crashed')
    if (entry.untrusted !== undefined) throw new ExtensionUntrustedError(id, entry.untrusted)
    if (entry.disabled) throw new ExtensionNotReadyError(id, 'unloaded')
    const order = resolveLoadOrder([id], this.#manifests())
    for (const depId of order) {
      const dep = this.#entry(depId)
      if (dep.state === 'running') continue
      if (dep.untrusted !== undefined) throw new ExtensionUntrustedError(depId, dep.untrusted)
      if (dep.loading != null) { await dep.loading; continue }
      const loading = this.#persistence!.loadState(depId).then(async state => { await this.#activate(dep, state, options) })
      dep.loading = loading
      try { await loading } finally { dep.loading = undefined }
    }
  }

  /** load → initialize(config, state) → registerAssets → running. Leaves nothing behind on failure. */
  async #activate (entry: Entry, state: unknown, options: OperationOptions): Promise<void> {
    const { manifest } = entry.pkg
    const id = manifest.id
    const host = await this.#ensureHost()
    entry.state = 'loading'
    this.#emit('extension:loading', { id, version: manifest.version }, options)
    const grant = grantCapabilities(manifest.required_capabilities, this.#config.policy ?? {}, {
      extensionId: id,
      publisher: entry.pkg.publisher?.fingerprint,
      trustLevel: entry.pkg.publisher?.trustLevel,
      certificateScope: entry.pkg.publisher?.capabilityScope
    })
    const quotas = resolveQuotas(this.#config.quotas, this.#config.extensionQuotas?.[id])
    entry.grant = grant
    entry.activation = {
      id,
      granted: new Set(grant.granted),
      quotas,
      outbound: new Semaphore(quotas.concurrentOperations),
      bandwidth: new TokenBucket(quotas.networkBytesPerSecond, quotas.networkBytesPerSecond * NETWORK_BURST_SECONDS)
    }
    entry.inbound = new Semaphore(quotas.concurrentOperations)
    entry.inboundOptions = Object.freeze({ onAnswer: entry.inbound.release, timeoutMs: CALL_TIMEOUT_MS })
    this.#emit('extension:granted', { id, granted: [...grant.granted], denied: [...grant.denied] }, options)
    try {
      const started = host.load({
        ext: id,
        code: entry.pkg.code,
        filename: `${id}@${manifest.version}/${entry.pkg.entry}`,
        capabilities: [...grant.granted],
        memoryMb: Math.ceil(quotas.memoryBytes / (1024 * 1024)),
        callTimeoutMs: quotas.callTimeoutMs,
        cpuPercent: quotas.cpuPercent,
        cpuBurstMs: quotas.cpuBurstMs
      })
      const { exports } = await this.#withLifecycleTimeout(id, 'load', started)
      entry.exports = exports
      entry.state = 'running'
      this.#emit('extension:loaded', { id, exports }, options)
      if (exports.includes('initialize')) await this.#lifecycle(entry, 'initialize', [this.#config.extensionConfig?.[id] ?? {}, state ?? null])
      this.#emit('extension:initialized', { id }, options)
      const registrations = exports.includes('registerAssets') ? await this.#lifecycle(entry, 'registerAssets', []) as AssetTypeRegistration[] : []
      this.#registerAssets(entry, registrations ?? [])
      this.#emit('extension:assets-registered', { id, types: (registrations ?? []).map(r => r.type) }, options)
    } catch (err) {
      entry.state = 'unloaded'
      entry.inbound = undefined
      await host.unload(id).catch((cause: Error) => { log.error('unloading %s after a failed start: %e', id, cause) })
      entry.lastError = wire(err)
      throw err
    }
    entry.startedAt = Date.now()
    await this.#persistence!.putInstalled({ id, version: manifest.version, dir: entry.pkg.dir, digest: entry.pkg.digest, status: 'loaded', updatedAt: Date.now() })
    this.#emit('extension:running', { id, version: manifest.version }, options)
  }

  /** exportState (persisted) → shutdown → unload; returns the exported state. */
  async #deactivate (entry: Entry, status: 'unloaded', options: OperationOptions = {}): Promise<unknown> {
    const id = entry.pkg.manifest.id
    entry.state = 'stopping'
    // calls already inside finish first, so the exported state includes what they did
    const drainUntil = Date.now() + DRAIN_TIMEOUT_MS
    while ((entry.inbound?.inFlight ?? 0) > 0 && Date.now() < drainUntil) await sleep(DRAIN_POLL_MS)
    let state: unknown
    try {
      if (entry.exports.includes('exportState')) {
        state = await this.#lifecycle(entry, 'exportState', [])
        await this.#persistence!.saveState(id, state, entry.activation?.quotas.storageBytes ?? resolveQuotas(this.#config.quotas, this.#config.extensionQuotas?.[id]).storageBytes)
        this.#emit('extension:state-exported', { id }, options)
      } else {
        state = await this.#persistence!.loadState(id)
      }
      if (entry.exports.includes('shutdown')) await this.#lifecycle(entry, 'shutdown', [])
      this.#emit('extension:shutdown', { id }, options)
    } finally {
      entry.state = status
      entry.inbound = undefined
      await this.#host?.unload(id)
      await this.#persistence!.putInstalled({ id, version: entry.pkg.manifest.version, dir: entry.pkg.dir, digest: entry.pkg.digest, status, updatedAt: Date.now() })
      this.#emit('extension:unloaded', { id }, options)
    }
    return state
  }

  async #lifecycle (entry: Entry, hook: string, args: unknown[]): Promise<unknown> {
    return await this.#withLifecycleTimeout(entry.pkg.manifest.id, hook, this.#host!.call(entry.pkg.manifest.id, hook, args))
  }

  /** A lifecycle step (load or a hook) that must finish within the lifecycle timeout. */
  async #withLifecycleTimeout<T> (id: string, step: string, work: Promise<T>): Promise<T> {
    const ms = this.#config.lifecycleTimeoutMs ?? LIFECYCLE_TIMEOUT_MS
    try {
      return await raceTimeout(work, ms, () => new ExtensionLifecycleTimeoutError(id, step, ms))
    } catch (err: any) {
      if (err instanceof HyperMeshError) throw err
      throw rebuildError(id, step, err)
    }
  }

  #registerAssets (entry: Entry, registrations: AssetTypeRegistration[]): void {
    const { manifest } = entry.pkg
    for (const r of registrations) {
      if (!manifest.provided_assets.includes(r.type)) throw new UndeclaredAssetTypeError(manifest.id, r.type)
    }
    entry.operations = new Map(registrations.map(r => [r.type, r.operations ?? []]))
    this.#registerHandlers(entry, registrations.map(r => r.type))
  }

  /** Registers forwarding handlers for types not yet registered by this extension. */
  #registerHandlers (entry: Entry, types: readonly string[]): void {
    const id = entry.pkg.manifest.id
    const mine = new Set(this.#assets.handlers.types().filter(t => t.owner === id).map(t => t.type))
    for (const type of types) {
      if (mine.has(type)) continue
      this.#assets.registerHandler(type, id, forwardingHandler(type, (method, args, signal) => {
        if (entry.state === 'running') return this.#invoke(entry, method, args, signal)
        return this.#ensureRunning(id, { signal }).then(async () => await this.#invoke(entry, method, args, signal))
      }, () => entry.operations.get(type) ?? []))
    }
  }

  #onCrash (id: string, error: WireError): void {
    const entry = this.#entries.get(id)
    if (entry == null || entry.state === 'unloaded' || entry.state === 'failed') return
    entry.state = 'crashed'
    entry.inbound = undefined
    entry.lastError = error
    this.#emit('extension:crashed', { id, error })
    this.#scheduleRestart(entry)
  }

  #scheduleRestart (entry: Entry): void {
    const id = entry.pkg.manifest.id
    if (this.#stopped || entry.disabled) return
    if (Date.now() - entry.startedAt > this.#restart.stableAfterMs) entry.restarts = 0
    if (entry.restarts >= this.#restart.maxRestarts) {
      entry.state = 'failed'
      this.#emit('extension:failed', { id, restarts: entry.restarts })
      void this.#persistence!.putInstalled({ id, version: entry.pkg.manifest.version, dir: entry.pkg.dir, digest: entry.pkg.digest, status: 'failed', updatedAt: Date.now() })
        .catch((err: Error) => { log.error('recording %s as failed: %e', id, err) })
      return
    }
    entry.restarts++
    const delayMs = restartDelay(this.#restart, entry.restarts)
    this.#emit('extension:restarting', { id, attempt: entry.restarts, delayMs })
    entry.restartTimer = setTimeout(() => {
      if (this.#stopped || entry.disabled || entry.state !== 'crashed') return
      const loading = this.#persistence!.loadState(id).then(async state => { await this.#activate(entry, state, {}) })
      entry.loading = loading
      loading.then(() => { entry.loading = undefined }, (err: Error) => {
        entry.loading = undefined
        entry.state = 'crashed'
        entry.lastError = wire(err)
        this.#emit('extension:crashed', { id, error: wire(err) })
        this.#scheduleRestart(entry)
      })
    }, delayMs)
  }

  async #ensureHost (): Promise<HostProcess> {
    if (this.#host?.alive === true) return this.#host
    if (this.#hostStarting != null) return await this.#hostStarting
    this.#hostStarting = HostProcess.start({
      onCapability: async (ext, capability, operation, args) => {
        const activation = this.#entries.get(ext)?.activation
        if (activation == null) return { ok: false, error: { name: 'ExtensionNotReadyError', message: `${ext} is not running` } }
        return await this.#router!.dispatch(activation, capability, operation, args)
      },
      onCrash: (ext, error) => { this.#onCrash(ext, error) },
      onExit: (reason) => { this.#onHostExit(reason) },
      callError: (ext, method, error) => rebuildError(ext, method, error),
      callTimeoutError: (ext, method, ms) => new ExtensionCallTimeoutError(ext, method, ms)
    })
    try {
      this.#host = await this.#hostStarting
      return this.#host
    } finally {
      this.#hostStarting = undefined
    }
  }

  /** The whole host died: every running extension crashed with it; the host comes back first. */
  #onHostExit (reason: string): void {
    if (this.#stopped) return
    this.#hostRestarts++
    log('extension host %s', reason)
    for (const entry of this.#entries.values()) {
      if (entry.state === 'running' || entry.state === 'loading') this.#onCrash(entry.pkg.manifest.id, new ExtensionCrashedError(entry.pkg.manifest.id, `the extension host ${reason}`))
    }
  }

  async #verifyProof (operation: string, packageDigest: string, proof: unknown, options: OperationOptions): Promise<void> {
    if (this.#config.proofVerifier == null) {
      if (proof === undefined) return
      throw new ConsensusProofRequiredError(`${operation} (no proof verifier is configured to check the proof given)`)
    }
    if (proof === undefined) throw new ConsensusProofRequiredError(operation)
    await this.#config.proofVerifier.verify(proof, { operation, packageDigest }, options)
  }

  #know (pkg: DiscoveredExtension): void {
    const id = pkg.manifest.id
    let entry = this.#entries.get(id)
    if (entry == null) {
      entry = newEntry(pkg)
      this.#entries.set(id, entry)
    } else if (entry.state !== 'running' && entry.state !== 'loading') {
      entry.pkg = pkg
    }
    this.#registerHandlers(entry, pkg.manifest.provided_assets)
    this.#emit('extension:discovered', { id, version: pkg.manifest.version, dir: pkg.dir })
  }

  #entry (id: string): Entry {
    const entry = this.#entries.get(id)
    if (entry == null) throw new ExtensionNotFoundError(id)
    return entry
  }

  #manifests (): Map<string, DiscoveredExtension['manifest']> {
    return new Map([...this.#entries].map(([id, e]) => [id, e.pkg.manifest]))
  }

  #inspectOptions (options: OperationOptions): Parameters<typeof inspectPackage>[1] {
    return { ...options, hostVersion: this.#config.hostVersion ?? HOST_VERSION, verifier: this.#config.signatureVerifier, requireSignatures: this.#config.requireSignatures }
  }


  #emit (type: ExtensionEventType, detail: ExtensionEventDetail, options: OperationOptions = {}): void {
    log('%s %o', type, detail)
    this.dispatchEvent(new CustomEvent(type, { detail }))
    options.onProgress?.(new CustomProgressEvent(type.replace('extension:', 'extensions:lifecycle:'), detail))
  }

  #assertStarted (): void {
    if (this.#stopped) throw new ExtensionManagerStoppedError()
    if (this.#persistence == null) throw new ExtensionManagerStoppedError()
  }
}

function requirePath (path: string | undefined): string {
  if (path == null) throw new TypeError('ExtensionManager needs `db` or `path`')
  return path
}
