import type { KeyObject } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import { dhtPut } from '../node/index.ts'
import { CID, decodeManifestBytes, pack, unpack } from '../package/index.ts'
import type { Manifest, PackMeta } from '../package/index.ts'
import type { ChunkStore } from '../store/index.ts'
import { NoProvidersError } from '../transfer/index.ts'
import type { Stoq } from '../transfer/index.ts'
import type { ChainContext, TrustCertificate } from '../trust/index.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'
import { fitRecord, mergeVersions, nextRecordBody, versionEntry } from './build-record.ts'
import { queryCatalog, startCatalogServer } from './catalog.ts'
import type { CatalogDialer, CatalogRegistrar } from './catalog.ts'
import { DEFAULT_RECORD_LIFETIME_MS, MAX_FETCH_PROVIDERS, MAX_RECORD_LIFETIME_MS } from './constants.ts'
import { contentKey, discoveryKeyForFilter, discoveryKeysFor } from './discovery-keys.ts'
import { NoMatchingVersionError, PackageNotFoundError } from './errors.ts'
import { checkManifest } from './check-manifest.ts'
import { newestMatching } from './filter.ts'
import { judgeRecords, summarize } from './judge.ts'
import type { JudgeContext, PackageInfo } from './judge.ts'
import { readMetadata } from './metadata.ts'
import { lookupRecord } from './lookup.ts'
import type { SearchFilter } from './filter.ts'
import type { SequenceMarks } from './marks.ts'
import type { FetchProgress, PublishProgress, SearchProgress } from './progress.ts'
import { PublishedRecords } from './published.ts'
import { loadCredentials, saveCredentials, toCredentials } from './publishers.ts'
import type { PublisherCredentials } from './publishers.ts'
import { decodeRecord, recordKey } from './record.ts'
import type { RecordBody, RecordVersion } from './record.ts'
import { signRecord } from './sign-record.ts'
import { verifyRecord } from './verify-record.ts'
import type { VerifiedRecord } from './verify-record.ts'
import { parsePackageSpec } from './spec.ts'
import { MAX_PROOF_BYTES, PublishProofChecker, proofCid } from './publish-proof.ts'
import type { PublishProofs } from './publish-proof.ts'

const log = logger('hypermesh:registry')

/** How often the republish loop looks for records nearing expiry. */
export const DEFAULT_REPUBLISH_CHECK_MS = 60_000
/** How long a search looks for providers of a discovery key before asking those found. */
export const DEFAULT_SEARCH_PROVIDERS_TIMEOUT_MS = 5_000
/** Most catalog peers one search asks; more providers add latency, not packages, in small meshes. */
export const MAX_SEARCH_PEERS = 32
/** How long stop() waits for an aborted republish to unwind (a DHT query may ignore the abort for a while). */
const STOP_WAIT_MS = 5_000
/** Pause before a fetch looks for the providers of a just-resolved record's content again. */
const PROVIDER_RETRY_MS = 250
/** Default timeout of a registry lookup when the caller gives no signal. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 30_000
/**
 * A publish skips providing a discovery key this node provided this recently. Provider records
 * live 48 hours and kad-dht re-announces this node's keys itself (every hour it re-provides those
 * older than a day), so the walk and twenty ADD_PROVIDERs of a second publish in the same
 * category only repeat what the mesh holds: three of a publish's seven DHT walks.
 */
export const DISCOVERY_PROVIDED_FRESH_MS = 30 * 60_000

/** The libp2p slice the registry uses. */
export interface RegistryLibp2p extends CatalogRegistrar, CatalogDialer {
  peerId: PeerId
  services: { dht: KadDHT }
  contentRouting: {
    provide: (cid: CID, options?: { signal?: AbortSignal }) => Promise<void>
    findProviders: (cid: CID, options?: { signal?: AbortSignal }) => AsyncIterable<{ id: PeerId }>
  }
  getConnections: () => unknown[]
}

export interface RegistryInit {
  libp2p: RegistryLibp2p
  /** The node's LevelDB: own records and sequence marks live here. */
  datastore: Datastore
  store: ChunkStore
  /** STOQ: fetches a manifest and its content (and a publish proof block) into the store. */
  transfer: Pick<Stoq, 'fetch' | 'fetchBlock'>
  trustStore: ChainContext
  /** The same marks the kad-dht validator uses (registryDht().marks). */
  marks: SequenceMarks
  /** The data dir, where publisher credentials for republishing are kept. */
  dataDir: string
  /**
   * Lifetime of records this node signs.
   * @default 86400000 (DEFAULT_RECORD_LIFETIME_MS, one day)
   */
  recordLifetimeMs?: number
  /**
   * How often to check own records for republishing; a record is re-signed once less than half its lifetime is left.
   * @default 60000 (DEFAULT_REPUBLISH_CHECK_MS)
   */
  republishCheckMs?: number
  /** @default () => new Date() */
  now?: () => Date
  /**
   * Consensus publish proofs (the mesh root names validators): publish makes one per version,
   * and fetch refuses a version without a valid one. Without it neither happens.
   */
  proofs?: PublishProofs
}

export interface PublishOptions extends OperationOptions<PublishProgress> {
  /** Publisher private key (KeyObject or PKCS#8 PEM). */
  key: KeyObject | string
  /** Publisher certificate then intermediates (objects or one PEM bundle). */
  chain: TrustCertificate[] | string
  /** Manifest fields; without them `<dir>/hypermesh.json` is read. */
  meta?: PackMeta
  /**
   * Keep the credentials in the data dir so the record is re-signed before it expires.
   * @default true
   */
  republish?: boolean
  /** CID of a consensus proof bundle for this publish, already stored here (SPEC.md, "Publish proof"); made when `proofs` is configured. */
  proof?: string
  chunkSize?: number
}

export interface PublishResult {
  name: string
  version: string
  /** CID of the version's consensus publish proof, when the mesh requires one. */
  proof?: string
  sequence: number
  manifest: string
  root: string
  size: number
  expires: string
  acceptedBy: string[]
  rejectedBy: Array<{ peer: string, error: string }>
}

export interface ResolveResult {
  record: VerifiedRecord
  version: RecordVersion
}

export interface FetchResult {
  name: string
  version: string
  manifest: string
  dir: string
  files: number
  size: number
}

/**
 * The registry: publish, resolve, search and fetch signed packages over the private kad-dht.
 * Records are verified by the kad-dht validator on every node (validator.ts); this class signs
 * and puts them, keeps its own in LevelDB, republishes them before they expire, serves them
 * over the catalog protocol, and verifies again everything it hands to a caller.
 */
export class Registry {
  private readonly init: RegistryInit
  private readonly published: PublishedRecords
  private readonly now: () => Date
  private readonly lifetimeMs: number
  private timer?: NodeJS.Timeout
  private stopCatalog?: () => Promise<void>
  private readonly shutdown = new AbortController()
  private republishing?: Promise<unknown>
  /** Own records whose last put was stored by no peer; retried every republish tick. */
  private readonly unsent = new Set<string>()
  /** When this node last provided each discovery key (ms since the epoch). */
  private readonly discoveryProvided = new Map<string, number>()
  private readonly proofChecker?: PublishProofChecker

  constructor (init: RegistryInit) {
    this.init = init
    if (init.proofs !== undefined) this.proofChecker = new PublishProofChecker(init.proofs)
    this.published = new PublishedRecords(init.datastore)
    this.now = init.now ?? (() => new Date())
    this.lifetimeMs = Math.min(init.recordLifetimeMs ?? DEFAULT_RECORD_LIFETIME_MS, MAX_RECORD_LIFETIME_MS)
  }

  /** Serves the catalog and starts republishing (at once: after a restart records may be stale or gone). */
  async start (): Promise<void> {
    this.stopCatalog = await startCatalogServer(this.init.libp2p, async () => await this.published.all())
    const every = this.init.republishCheckMs ?? DEFAULT_REPUBLISH_CHECK_MS
    const tick = (): void => {
      this.republishing = this.republish({ force: false }).catch(err => { log.error('republish failed: %e', err) })
      this.timer = setTimeout(tick, every)
      this.timer.unref()
    }
    this.republishing = this.republish({ force: true }).catch(err => { log.error('republish at start failed: %e', err) })
    this.timer = setTimeout(tick, every)
    this.timer.unref()
  }

  /** Stops republishing (aborting a republish in flight; waits for it at most STOP_WAIT_MS) and the catalog. */
  async stop (): Promise<void> {
    clearTimeout(this.timer)
    this.shutdown.abort()
    let timer: NodeJS.Timeout | undefined
    const waited = await Promise.race([
      this.republishing?.then(() => true),
      new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(false) }, STOP_WAIT_MS) })
    ])
    clearTimeout(timer)
    if (waited === false) log.error('a republish did not end within %d ms of stopping; stopping anyway', STOP_WAIT_MS)
    await this.stopCatalog?.()
  }

  /** Packs `dir`, signs the name's next record, stores and provides the content, and puts the record. */
  async publish (dir: string, options: PublishOptions): Promise<PublishResult> {
    const creds = toCredentials(options.key, options.chain)
    const meta = { ...(options.meta ?? await readMetadata(dir)), certificate_fingerprint: creds.chain[0].fingerprint }
    // the previous record is looked up while the directory is packed: neither needs the other
    const packing = new AbortController()
    const lookupSignal = AbortSignal.any([options.signal ?? AbortSignal.timeout(DEFAULT_LOOKUP_TIMEOUT_MS), packing.signal])
    const early = typeof meta.id === 'string' ? this.previousRecord(meta.id, lookupSignal) : undefined
    // observed below once packing is done; until then a failed lookup must not be an unhandled rejection
    early?.catch(() => {})
    let packed: Awaited<ReturnType<typeof pack>>
    try {
      packed = await pack(dir, this.init.store, { meta, chunkSize: options.chunkSize, signal: options.signal, onProgress: options.onProgress })
    } catch (err) {
      packing.abort(err)
      throw err
    }
    const manifest = packed.manifest
    const digest = packed.manifestCid.toString()
    options.onProgress?.(new CustomProgressEvent('registry:publish:packed', { name: manifest.id, version: manifest.version, manifest: digest, root: manifest.content.root, size: manifest.content.size }))
    const useEarly = early !== undefined && meta.id === manifest.id
    if (!useEarly) packing.abort()
    // an early lookup that failed (its timeout may have run out during a long pack) is done again
    const previous = useEarly
      ? await early.catch(async (err: unknown) => {
        if (options.signal?.aborted === true) throw err
        return this.previousRecord(manifest.id, options.signal)
      })
      : await this.previousRecord(manifest.id, options.signal)
    const now = this.now()
    const proof = options.proof ?? await this.proveToPublish(digest, options)
    const versions = mergeVersions(previous?.versions ?? [], versionEntry(manifest, digest, now, proof), manifest.id)
    const body = nextRecordBody({ name: manifest.id, versions, after: [previous?.sequence, this.init.marks.get(manifest.id)], now, lifetimeMs: this.lifetimeMs })
    if (options.republish !== false) await saveCredentials(this.init.dataDir, creds)
    const result = await this.signAndPut(body, creds, options)
    return { name: manifest.id, version: manifest.version, manifest: digest, root: manifest.content.root, size: manifest.content.size, ...(proof !== undefined ? { proof } : {}), ...result }
  }

  /** The newest verified record of `name` and its newest version satisfying `range`. */
  async resolve (name: string, range?: string, options: OperationOptions = {}): Promise<ResolveResult> {
    const record = await this.lookup(name, options)
    const version = newestMatching(record.body, range)
    if (version === undefined) throw new NoMatchingVersionError(name, range ?? '*', record.body.versions.map(v => v.version))
    return { record, version }
  }

  async info (name: string, options: OperationOptions = {}): Promise<PackageInfo & { record: RecordBody }> {
    const record = await this.lookup(name, options)
    return { ...summarize(record.body, record), record: record.body }
  }

  /**
   * Finds packages published anywhere in the mesh: providers of the filter's discovery key are
   * asked for their catalogs, and every record is verified (and checked against this node's
   * rollback marks) before it is returned; unverifiable ones are hidden, or marked when
   * `verifiedOnly` is false. Per name the highest verified sequence wins.
   */
  async search (filter: SearchFilter = {}, options: OperationOptions<SearchProgress> = {}): Promise<PackageInfo[]> {
    const key = discoveryKeyForFilter(filter)
    const signal = options.signal ?? AbortSignal.timeout(DEFAULT_LOOKUP_TIMEOUT_MS)
    const peers = await this.findPeers(key, MAX_SEARCH_PEERS, signal)
    options.onProgress?.(new CustomProgressEvent('registry:search:providers', { key: key.toString(), peers: peers.length }))
    const found = new Map<string, Array<{ bytes: Uint8Array, peer: string }>>()
    const add = (bytes: Uint8Array, peer: string): void => {
      const k = Buffer.from(bytes).toString('base64')
      const list = found.get(k) ?? []
      list.push({ bytes, peer })
      found.set(k, list)
    }
    for (const bytes of (await this.published.all()).values()) add(bytes, this.init.libp2p.peerId.toString())
    const narrow = { ...(filter.type !== undefined ? { type: filter.type } : {}), ...(filter.category !== undefined ? { category: filter.category } : {}), ...(filter.text !== undefined ? { text: filter.text } : {}) }
    await Promise.all(peers.map(async peer => {
      try {
        const records = await queryCatalog(this.init.libp2p, peer, narrow, { signal })
        for (const r of records) add(r, peer.toString())
        options.onProgress?.(new CustomProgressEvent('registry:search:catalog', { peer: peer.toString(), records: records.length }))
      } catch (err: any) {
        log('catalog of %p failed: %s', peer, err.message)
        options.onProgress?.(new CustomProgressEvent('registry:search:catalog', { peer: peer.toString(), records: 0, error: `${err.name}: ${err.message}` }))
      }
    }))
    return judgeRecords([...found.values()], filter, this.judgeContext())
  }

  /** Resolves `name[@range]`, fetches the manifest and content over STOQ, checks them against the record, unpacks into `outDir`. */
  async fetch (spec: string, outDir: string, options: OperationOptions<FetchProgress> = {}): Promise<FetchResult> {
    const { name, range } = parsePackageSpec(spec)
    const { record, version } = await this.resolve(name, range, { signal: options.signal })
    options.onProgress?.(new CustomProgressEvent('registry:fetch:resolved', { name, version: version.version, manifest: version.manifest, publisher: record.publisher.fingerprint }))
    if (this.proofChecker !== undefined) {
      await this.proofChecker.check(name, version, async cid => this.fetchProof(cid, version, options.signal))
      options.onProgress?.(new CustomProgressEvent('registry:fetch:proof', { manifest: version.manifest, proof: version.proof ?? '' }))
    }
    const manifest = await this.storedManifest(version) ?? await this.fetchManifest(version, options)
    checkManifest(manifest, record, version)
    options.onProgress?.(new CustomProgressEvent('registry:fetch:verified', { manifest: version.manifest, root: version.root, size: version.size }))
    const out = await unpack(manifest, this.init.store, outDir, { signal: options.signal, onProgress: options.onProgress })
    options.onProgress?.(new CustomProgressEvent('registry:fetch:unpacked', out))
    return { name, version: version.version, manifest: version.manifest, ...out }
  }

  /** Makes, stores (pinned: this node serves it) and returns the CID of a publish proof of `digest`, when proofs are configured. */
  private async proveToPublish (digest: string, options: OperationOptions<PublishProgress>): Promise<string | undefined> {
    if (this.init.proofs === undefined) return undefined
    const bundle = await this.init.proofs.prove(digest, { signal: options.signal })
    const cid = proofCid(bundle)
    await this.init.store.put(cid, bundle)
    await this.init.store.pin(cid)
    options.onProgress?.(new CustomProgressEvent('registry:publish:proved', { manifest: digest, proof: cid.toString(), bytes: bundle.length }))
    return cid.toString()
  }

  /** A version's proof block: from the store, or over STOQ from the providers of its manifest (its publisher serves both). */
  private async fetchProof (cid: string, version: RecordVersion, signal?: AbortSignal): Promise<Uint8Array> {
    if (await this.init.store.has(CID.parse(cid))) return await this.init.store.get(CID.parse(cid))
    const providers = await this.findPeers(contentKey(version.manifest), MAX_FETCH_PROVIDERS, signal ?? AbortSignal.timeout(DEFAULT_LOOKUP_TIMEOUT_MS))
    if (providers.length === 0) throw new NoProvidersError(cid)
    return await this.init.transfer.fetchBlock(cid, { providers: providers.map(p => p.toString()), maxSize: MAX_PROOF_BYTES, signal })
  }

  /** The version's manifest when this node already holds it and all of its content (e.g. its publisher). */
  private async storedManifest (version: RecordVersion): Promise<Manifest | undefined> {
    const cid = CID.parse(version.manifest)
    if (!(await this.init.store.has(cid)) || (await this.init.store.rootState(CID.parse(version.root)))?.complete !== true) return undefined
    return decodeManifestBytes(await this.init.store.get(cid))
  }

  /** Fetches the manifest and content over STOQ from the providers of the manifest's content key. */
  private async fetchManifest (version: RecordVersion, options: OperationOptions<FetchProgress>): Promise<Manifest> {
    const signal = options.signal ?? AbortSignal.timeout(DEFAULT_LOOKUP_TIMEOUT_MS)
    const key = contentKey(version.manifest)
    const until = Date.now() + DEFAULT_SEARCH_PROVIDERS_TIMEOUT_MS
    let providers = await this.findPeers(key, MAX_FETCH_PROVIDERS, signal)
    // a publisher puts its record and its provider records at once, so a record resolved right
    // after publishing may come before the providers of its content can be found
    while (providers.length === 0 && Date.now() + PROVIDER_RETRY_MS < until) {
      await sleep(PROVIDER_RETRY_MS, undefined, { signal })
      providers = await this.findPeers(key, MAX_FETCH_PROVIDERS, signal)
    }
    if (providers.length === 0) throw new NoProvidersError(version.manifest)
    const fetched = await this.init.transfer.fetch(version.manifest, {
      providers: providers.map(p => p.toString()), signal: options.signal, onProgress: options.onProgress, maxSize: version.size
    })
    return fetched.manifest as Manifest
  }

  /** This node's own records (those it publishes and republishes), verified now. */
  async list (): Promise<PackageInfo[]> {
    return judgeRecords([...(await this.published.all()).values()].map(bytes => [{ bytes, peer: this.init.libp2p.peerId.toString() }]), { verifiedOnly: false }, this.judgeContext())
  }

  /**
   * Re-signs own records with less than half their lifetime left (sequence + 1, new expiry) and
   * puts them again; with `force`, also re-puts and re-provides the others (after a restart the
   * mesh may have lost them), and so does every tick for a record whose last put reached no peer
   * (a node republishing at start may not have joined the mesh yet). A name whose credentials
   * were not kept is left to expire.
   */
  async republish (options: { force: boolean, signal?: AbortSignal }): Promise<Array<{ name: string, sequence: number }>> {
    const done: Array<{ name: string, sequence: number }> = []
    for (const [name, bytes] of await this.published.all()) {
      if (this.shutdown.signal.aborted) break
      const { body, envelope } = decodeRecord(bytes)
      const left = new Date(body.expires).getTime() - this.now().getTime()
      const stale = left < this.lifetimeMs / 2
      if (!stale && !options.force && !this.unsent.has(name)) continue
      try {
        if (stale) {
          const creds = await loadCredentials(this.init.dataDir, envelope.signatures[0].keyid)
          if (creds === undefined) {
            log('no kept credentials for %s, its record expires at %s', name, body.expires)
            continue
          }
          const next = nextRecordBody({ name, versions: body.versions, after: [body.sequence, this.init.marks.get(name)], now: this.now(), lifetimeMs: this.lifetimeMs })
          const r = await this.signAndPut(next, creds, { signal: options.signal ?? this.shutdown.signal })
          done.push({ name, sequence: r.sequence })
        } else {
          await this.putAndProvide(body, bytes, { signal: options.signal ?? this.shutdown.signal, refreshDiscovery: true })
          done.push({ name, sequence: body.sequence })
        }
        log('republished %s (sequence %d)', name, done[done.length - 1].sequence)
      } catch (err: any) {
        log.error('republishing %s failed: %e', name, err)
      }
    }
    return done
  }

  private async signAndPut (body: RecordBody, creds: PublisherCredentials, options: OperationOptions<PublishProgress>): Promise<{ sequence: number, expires: string, acceptedBy: string[], rejectedBy: Array<{ peer: string, error: string }> }> {
    const bytes = fitRecord(body, b => signRecord({ body: b, key: creds.key, chain: creds.chain }))
    // verify as every validator will, so a record this node's trust store refuses fails here with its named error
    const verified = verifyRecord(bytes, { trustStore: this.init.trustStore, at: this.now(), name: body.name })
    options.onProgress?.(new CustomProgressEvent('registry:publish:signed', { name: body.name, sequence: body.sequence, expires: body.expires, bytes: bytes.length }))
    await this.init.marks.raise(body.name, body.sequence)
    await this.published.put(body.name, bytes)
    const put = await this.putAndProvide(verified.body, bytes, options)
    return { sequence: body.sequence, expires: body.expires, ...put }
  }

  private async putAndProvide (body: RecordBody, bytes: Uint8Array, options: OperationOptions<PublishProgress> & { refreshDiscovery?: boolean }): Promise<{ acceptedBy: string[], rejectedBy: Array<{ peer: string, error: string }> }> {
    const provide = async (cids: CID[], remember = false): Promise<void> => {
      await Promise.all(cids.map(async cid => {
        await this.init.libp2p.contentRouting.provide(cid, { signal: options.signal })
        if (remember) this.discoveryProvided.set(cid.toString(), this.now().getTime())
      }))
    }
    const contentKeys = body.versions.flatMap(v => [contentKey(v.manifest), contentKey(v.root)])
    const discoveryKeys = discoveryKeysFor(body).filter(cid => options.refreshDiscovery === true || !this.providedRecently(cid))
    // each provide is a DHT walk of its own: waiting for all of them before the put made a record
    // resolvable seconds later on a busy mesh. The content's providers go out once the record has
    // reached the closest peers this node knows (a fetch that resolves it first looks for them
    // again, see fetchManifest); the discovery keys, which only search reads and which spread in
    // their own time anyway, after the put
    let sent!: () => void
    const recordSent = new Promise<void>(resolve => { sent = resolve })
    const [put] = await Promise.all([
      dhtPut(this.init.libp2p.services.dht, recordKey(body.name), bytes, {
        signal: options.signal,
        onProgress: options.onProgress,
        allowZeroPeers: this.init.libp2p.getConnections().length === 0,
        onSent: sent
      }),
      recordSent.then(async () => { await provide(contentKeys) })
    ])
    options.onProgress?.(new CustomProgressEvent('registry:publish:stored', { name: body.name, acceptedBy: put.acceptedBy.length, rejectedBy: put.rejectedBy.length }))
    if (put.acceptedBy.length === 0) this.unsent.add(body.name)
    else this.unsent.delete(body.name)
    await provide(discoveryKeys, true)
    options.onProgress?.(new CustomProgressEvent('registry:publish:provided', { keys: contentKeys.length + discoveryKeys.length }))
    return put
  }

  private providedRecently (cid: CID): boolean {
    const at = this.discoveryProvided.get(cid.toString())
    return at !== undefined && this.now().getTime() - at < DISCOVERY_PROVIDED_FRESH_MS
  }

  /** The record a new version is added to: our own if we have it, else the mesh's, else none. */
  private async previousRecord (name: string, signal?: AbortSignal): Promise<RecordBody | undefined> {
    const own = await this.published.get(name)
    if (own !== undefined) return decodeRecord(own).body
    try {
      return (await this.lookup(name, { signal })).body
    } catch (err: any) {
      if (err.name === 'PackageNotFoundError') return undefined
      throw err
    }
  }

  private async lookup (name: string, options: OperationOptions): Promise<VerifiedRecord> {
    return lookupRecord(name, {
      dht: this.init.libp2p.services.dht, datastore: this.init.datastore, trustStore: this.init.trustStore, marks: this.init.marks, now: this.now()
    }, options.signal ?? AbortSignal.timeout(DEFAULT_LOOKUP_TIMEOUT_MS))
  }

  private judgeContext (): JudgeContext {
    return { trustStore: this.init.trustStore, marks: this.init.marks, now: this.now() }
  }

  /** Providers of a (sha2-256) provider key other than this node, found within DEFAULT_SEARCH_PROVIDERS_TIMEOUT_MS. */
  private async findPeers (key: CID, max: number, signal: AbortSignal): Promise<PeerId[]> {
    const peers = new Map<string, PeerId>()
    const search = AbortSignal.any([signal, AbortSignal.timeout(DEFAULT_SEARCH_PROVIDERS_TIMEOUT_MS)])
    try {
      for await (const p of this.init.libp2p.contentRouting.findProviders(key, { signal: search })) {
        if (p.id.equals(this.init.libp2p.peerId)) continue
        peers.set(p.id.toString(), p.id)
        if (peers.size >= max) break
      }
    } catch (err: any) {
      if (signal.aborted) throw err
      // the provider search timing out or running dry is its normal end; ask who was found
      log('provider search for %s ended: %s', key, err.message)
    }
    return [...peers.values()]
  }
}
