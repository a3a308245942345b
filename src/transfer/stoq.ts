import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import type { AbortOptions, Connection, PeerId, Startable, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ChunkStore } from '../store/index.ts'
import {
  CID, JSON_CODEC, CBOR_CODEC, RAW_CODEC, ContentMismatchError, chunkCount, chunkLength, decodeManifestBytes, decodeRootObject, isHyperMeshCid, verifyBytes
} from '../package/index.ts'
import type { Manifest } from '../package/index.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'
import { HyperMeshError } from '../util/errors.ts'
import { providerKey } from '../util/provider-key.ts'
import {
  DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_FIND_PROVIDERS_TIMEOUT_MS, DEFAULT_INBOUND_IDLE_TIMEOUT_MS, DEFAULT_MAX_PROVIDERS,
  DEFAULT_MAX_STREAMS_PER_PEER, DEFAULT_STALL_TIMEOUT_MS, DEFAULT_WINDOW, MAX_INBOUND_STREAMS, MAX_IN_FLIGHT, MAX_OUTBOUND_STREAMS,
  MAX_REOPENS_PER_PEER, PENALTY_MS, PROTOCOL
} from './constants.ts'
import { BadBlockError, BlockTooLargeError, NoProvidersError } from './errors.ts'
import { Provider } from './provider.ts'
import type { AdmissionHook } from './provider.ts'
import { TokenBucket } from './rate-limit.ts'
import { Session } from './session.ts'
import { fetchChunks, isStreamFailure } from './swarm.ts'
import type { StoqFetchProgress } from './progress.ts'

const log = logger('hypermesh:transfer')

export interface StoqInit {
  /** The chunk store served from and fetched into. */
  store: ChunkStore
  /** Requests a fetch keeps in flight, shared among its providers (at least MIN_PEER_WINDOW each). @default 8 (DEFAULT_WINDOW) */
  window?: number
  /** Most providers one fetch uses. @default 8 (DEFAULT_MAX_PROVIDERS) */
  maxProviders?: number
  /** Drop a provider silent this long with requests pending. @default 10000 (DEFAULT_STALL_TIMEOUT_MS) */
  stallTimeoutMs?: number
  /** Dial + stream-open timeout per provider. @default 10000 (DEFAULT_DIAL_TIMEOUT_MS) */
  dialTimeoutMs?: number
  /** How long to search the DHT for providers. @default 15000 (DEFAULT_FIND_PROVIDERS_TIMEOUT_MS) */
  findProvidersTimeoutMs?: number
  /** Per-request admission hook on the serving side (trust gates, throttles). @default serve everything */
  admit?: AdmissionHook
  /** Concurrent inbound streams per peer. @default 4 (DEFAULT_MAX_STREAMS_PER_PEER) */
  maxStreamsPerPeer?: number
  /** Upload limit per peer in bytes/s. @default unlimited */
  maxBytesPerSecondPerPeer?: number
  /** Close an inbound stream idle this long. @default 30000 (DEFAULT_INBOUND_IDLE_TIMEOUT_MS) */
  inboundIdleTimeoutMs?: number
}

/** The narrow slices of libp2p's components STOQ uses. */
export interface StoqComponents {
  peerId: PeerId
  registrar: {
    handle: (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) => Promise<void>
    unhandle: (protocol: string, options?: AbortOptions) => Promise<void>
  }
  connectionManager: {
    openConnection: (target: PeerId | Multiaddr | Multiaddr[], options?: AbortOptions) => Promise<Connection>
  }
  /** Optional: without it, fetch needs `providers` and provide() fails with NoContentRoutingError. */
  contentRouting?: {
    provide: (cid: CID, options?: AbortOptions) => Promise<void>
    findProviders: (cid: CID, options?: AbortOptions) => AsyncIterable<{ id: PeerId, multiaddrs: Multiaddr[] }>
  }
}

export interface FetchOptions extends OperationOptions<StoqFetchProgress> {
  /** Providers to use (multiaddrs with /p2p/, or peer id strings); without them the DHT is asked. */
  providers?: Array<string | Multiaddr | PeerId>
  /** Refuse content larger than this (a manifest's content.size sets it automatically). */
  maxSize?: number
  /** Download limit in bytes/s for this fetch. @default unlimited */
  bytesPerSecond?: number
  /** Pin what is fetched against garbage collection. @default true */
  pin?: boolean
}

export interface FetchResult {
  /** The CID asked for (a manifest or a content root). */
  cid: string
  /** The content root. */
  root: string
  manifest?: Manifest
  size: number
  fetchedChunks: number
  fetchedBytes: number
  /** Chunks that were already in the store (resume). */
  resumedChunks: number
  peers: Record<string, number>
  durationMs: number
}

/** The CID is not one STOQ can fetch (not CIDv1 + BLAKE3, or neither a manifest nor a root). */
export class UnsupportedCidError extends HyperMeshError {
  constructor (cid: string) {
    super(`${cid} is not a HyperMesh content root or manifest CID`, { hint: 'content roots are CIDv1 cbor + blake3 (bafir4i…), manifests CIDv1 json + blake3 (bagaaihra…)' })
  }
}

/** provide() or a provider-less fetch needs content routing (the DHT), which this node lacks. */
export class NoContentRoutingError extends HyperMeshError {
  constructor () {
    super('no content routing (DHT) is configured', { hint: 'give providers explicitly (--from)' })
  }
}

export class Stoq implements Startable {
  readonly [Symbol.toStringTag] = '@hypermesh/stoq'
  readonly store: ChunkStore
  readonly provider: Provider
  private readonly components: StoqComponents
  private readonly init: StoqInit
  private readonly penalties = new Map<string, number>()
  private shutdown = new AbortController()
  private started = false

  constructor (components: StoqComponents, init: StoqInit) {
    this.components = components
    this.init = init
    this.store = init.store
    this.provider = new Provider({
      store: init.store,
      admit: init.admit,
      maxStreamsPerPeer: init.maxStreamsPerPeer ?? DEFAULT_MAX_STREAMS_PER_PEER,
      maxBytesPerSecondPerPeer: init.maxBytesPerSecondPerPeer,
      idleTimeoutMs: init.inboundIdleTimeoutMs ?? DEFAULT_INBOUND_IDLE_TIMEOUT_MS
    })
  }

  async start (): Promise<void> {
    this.shutdown = new AbortController()
    await this.components.registrar.handle(PROTOCOL, this.provider.handle, {
      maxInboundStreams: MAX_INBOUND_STREAMS, maxOutboundStreams: MAX_OUTBOUND_STREAMS, runOnLimitedConnection: false
    })
    this.started = true
  }

  async stop (): Promise<void> {
    this.shutdown.abort(new HyperMeshError('STOQ is stopping'))
    if (this.started) await this.components.registrar.unhandle(PROTOCOL)
    this.started = false
  }

  /** Announces in the DHT that this node provides `cid` (under its sha2-256 provider key, see src/util/provider-key.ts). */
  async provide (cid: CID | string, options: AbortOptions = {}): Promise<void> {
    if (this.components.contentRouting === undefined) throw new NoContentRoutingError()
    // provider records live under a sha2-256 key: kad-dht cannot carry BLAKE3 keys (see providerKey)
    await this.components.contentRouting.provide(providerKey(typeof cid === 'string' ? CID.parse(cid) : cid), options)
  }

  /**
   * Fetches a content root, or a manifest and then its content root, into the store: verified
   * chunk by chunk before writing, from many providers at once, resuming from what is stored.
   */
  async fetch (cidInput: CID | string, options: FetchOptions = {}): Promise<FetchResult> {
    const started = performance.now()
    const cid = typeof cidInput === 'string' ? parseCid(cidInput) : cidInput
    if (!isHyperMeshCid(cid) || (cid.code !== JSON_CODEC && cid.code !== CBOR_CODEC)) throw new UnsupportedCidError(cid.toString())
    const signal = AbortSignal.any([this.shutdown.signal, ...(options.signal !== undefined ? [options.signal] : [])])
    const sessions = new SessionPool(this, this.components, this.init, cid, options, signal)
    try {
      if (options.pin !== false) await this.store.pin(cid)
      let manifest: Manifest | undefined
      let root = cid
      let maxSize = options.maxSize
      if (cid.code === JSON_CODEC) {
        manifest = decodeManifestBytes(await this.getBlock(cid, sessions, signal))
        root = CID.parse(manifest.content.root)
        maxSize = Math.min(maxSize ?? Infinity, manifest.content.size)
        options.onProgress?.(new CustomProgressEvent('stoq:fetch:manifest', { cid: cid.toString(), root: root.toString(), size: manifest.content.size }))
      }
      const obj = decodeRootObject(await this.getBlock(root, sessions, signal, maxSize), { maxSize })
      if (manifest !== undefined && obj.chunkSize !== manifest.content.chunk_size) throw new ContentMismatchError(`root ${root} has ${obj.chunkSize}-byte chunks, the manifest says ${manifest.content.chunk_size}`)
      if ((await this.store.rootState(root)) === undefined) await this.store.putRoot(root, await this.store.get(root))
      const present = await this.store.presentChunks(root)
      const total = chunkCount(obj.size, obj.chunkSize)
      const missing: number[] = []
      let presentBytes = 0
      for (let i = 0; i < total; i++) {
        if (present.has(i)) presentBytes += chunkLength(obj, i)
        else missing.push(i)
      }
      options.onProgress?.(new CustomProgressEvent('stoq:fetch:root', { root: root.toString(), size: obj.size, chunkSize: obj.chunkSize, chunks: total, present: present.size }))
      const result = missing.length === 0
        ? { fetchedChunks: 0, fetchedBytes: 0, peers: {} }
        : await fetchChunks(this.store, root, obj, missing, await sessions.open(), {
          window: Math.min(this.init.window ?? DEFAULT_WINDOW, MAX_IN_FLIGHT),
          signal,
          onProgress: options.onProgress,
          bucket: options.bytesPerSecond !== undefined ? new TokenBucket(options.bytesPerSecond) : undefined,
          onBadPeer: peer => { this.penalise(peer) },
          presentBytes,
          join: (add, settled) => { sessions.join(add, settled) },
          reopen: async session => await sessions.reopen(session)
        })
      await this.store.completeRoot(root)
      const done = {
        cid: cid.toString(), root: root.toString(), manifest, size: obj.size, ...result, resumedChunks: present.size, durationMs: Math.round(performance.now() - started)
      }
      options.onProgress?.(new CustomProgressEvent('stoq:fetch:done', {
        root: done.root, size: done.size, fetchedBytes: done.fetchedBytes, fetchedChunks: done.fetchedChunks, resumedChunks: done.resumedChunks, peers: done.peers, durationMs: done.durationMs
      }))
      log('fetched %s: %d bytes new, %d chunks resumed, in %d ms', root, done.fetchedBytes, done.resumedChunks, done.durationMs)
      return done
    } finally {
      sessions.close()
    }
  }

  /**
   * Fetches one raw block (a consensus proof bundle, say) from the store or, verified before it
   * is stored, from the given providers one after another. `maxSize` refuses a larger block.
   */
  async fetchBlock (cidInput: CID | string, options: Pick<FetchOptions, 'providers' | 'maxSize' | 'signal'> = {}): Promise<Uint8Array> {
    const cid = typeof cidInput === 'string' ? parseCid(cidInput) : cidInput
    if (!isHyperMeshCid(cid) || cid.code !== RAW_CODEC) throw new UnsupportedCidError(cid.toString())
    const signal = AbortSignal.any([this.shutdown.signal, ...(options.signal !== undefined ? [options.signal] : [])])
    const sessions = new SessionPool(this, this.components, this.init, cid, options, signal)
    try {
      return await this.getBlock(cid, sessions, signal, options.maxSize)
    } finally {
      sessions.close()
    }
  }

  /** A peer that sent a bad block is skipped by this node's fetches for PENALTY_MS. */
  penalise (peer: string): void {
    this.penalties.set(peer, Date.now() + PENALTY_MS)
  }

  isPenalised (peer: string): boolean {
    const until = this.penalties.get(peer)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.penalties.delete(peer)
    return false
  }

  /** A block from the store, or fetched from the providers one after another, verified before it is stored. */
  private async getBlock (cid: CID, sessions: SessionPool, signal: AbortSignal, maxBytes?: number): Promise<Uint8Array> {
    if (await this.store.has(cid)) return await this.store.get(cid)
    let lastError: unknown
    let queue = await sessions.open()
    const tried = new Set<Session>(queue)
    // when the providers open so far could not give the block, those whose dials were still
    // running get their turn
    const next = async (): Promise<Session | undefined> => {
      if (queue.length === 0) {
        queue = (await sessions.settled()).filter(s => !tried.has(s))
        for (const s of queue) tried.add(s)
      }
      return queue.shift()
    }
    for (let session = await next(); session !== undefined; session = await next()) {
      try {
        const bytes = Buffer.concat(await session.get(cid, signal))
        if (!verifyBytes(cid, bytes)) {
          this.penalise(session.peer)
          throw new BadBlockError(session.peer, cid.toString())
        }
        // a root object is checked (and a size limit applied) before it is stored
        if (cid.code === CBOR_CODEC) {
          decodeRootObject(bytes, { maxSize: maxBytes })
          await this.store.putRoot(cid, bytes)
        } else if (cid.code === JSON_CODEC) {
          decodeManifestBytes(bytes)
          await this.store.put(cid, bytes)
        } else {
          if (maxBytes !== undefined && bytes.length > maxBytes) throw new BlockTooLargeError(cid.toString(), bytes.length, maxBytes)
          await this.store.put(cid, bytes)
        }
        return bytes
      } catch (err: any) {
        signal.throwIfAborted()
        log('%s could not give %s: %s', session.peer, cid, err.message)
        lastError = err
        if (err.name === 'InvalidRootObjectError' || err.name === 'InvalidManifestError' || err.name === 'BadBlockError') {
          this.penalise(session.peer)
          sessions.drop(session, err)
        } else if (isStreamFailure(err)) {
          // a reset stream or a replaced connection is not a bad peer: ask it again on a new stream
          const again = await sessions.reopen(session)
          if (again !== undefined) {
            tried.add(again)
            queue.unshift(again)
          }
        }
      }
    }
    // a peer's refusal of the block (bad bytes, an invalid root) is the answer; a broken stream is not
    if (lastError !== undefined && !isStreamFailure(lastError)) throw lastError
    throw new NoProvidersError(cid.toString(), lastError)
  }
}

/** Opens sessions to providers once per fetch, lazily (a fully stored root needs none). */
class SessionPool {
  private readonly stoq: Stoq
  private readonly components: StoqComponents
  private readonly init: StoqInit
  private readonly cid: CID
  private readonly options: FetchOptions
  private readonly signal: AbortSignal
  private opened: Promise<Session[]> | undefined
  /** Settles once the first session is open, or once every dial failed. */
  private ready: Promise<unknown> | undefined
  private firstOpen: (() => void) | undefined
  private sessions: Session[] = []
  /** Sessions given to a caller (open, join); join() hands over the others. */
  private readonly handedOut = new Set<Session>()
  private onJoin: ((session: Session) => void) | undefined
  /** Aborts dials still running when the fetch ends. */
  private readonly closing = new AbortController()
  private readonly reopens = new Map<string, number>()

  constructor (stoq: Stoq, components: StoqComponents, init: StoqInit, cid: CID, options: FetchOptions, signal: AbortSignal) {
    this.stoq = stoq
    this.components = components
    this.init = init
    this.cid = cid
    this.options = options
    this.signal = signal
  }

  /**
   * The sessions open so far, as soon as one is (or every dial has failed, NoProvidersError): a
   * fetch starts with the first provider that answers instead of waiting for the slowest dial,
   * which for an unreachable provider found in the DHT is the whole dial timeout.
   */
  async open (): Promise<Session[]> {
    if (this.opened === undefined) {
      const first = new Promise<void>(resolve => { this.firstOpen = resolve })
      this.opened = this.connect()
      // connect rejects only when no provider could be opened or the fetch was aborted; open()
      // and settled() rethrow that, and nothing else awaits it
      this.opened.catch(() => {})
      this.ready = Promise.race([first, this.opened])
    }
    await this.ready
    return this.handOutLive()
  }

  /** Every live session once all dials have settled. */
  async settled (): Promise<Session[]> {
    await this.open()
    await this.opened
    return this.handOutLive()
  }

  private handOutLive (): Session[] {
    return this.handOut(this.sessions.filter(s => s.alive))
  }

  /**
   * Calls `add` with each session not handed out yet, now and as later dials complete, and
   * `settled` once every dial has (succeeded, failed or been aborted).
   */
  join (add: (session: Session) => void, settled: () => void): void {
    this.onJoin = add
    for (const s of this.sessions) if (s.alive && !this.handedOut.has(s)) add(this.handOut([s])[0])
    void (this.opened ?? Promise.resolve()).then(settled, settled)
  }

  private handOut (sessions: Session[]): Session[] {
    for (const s of sessions) this.handedOut.add(s)
    return sessions
  }

  drop (session: Session, err: Error): void {
    session.close(err)
  }

  /**
   * A new stream (over a new connection if the old one is gone) to the peer of a session whose
   * stream failed; at most MAX_REOPENS_PER_PEER per fetch, so a peer that keeps resetting is
   * given up on. Undefined when it has no retries left or cannot be reached.
   */
  async reopen (session: Session): Promise<Session | undefined> {
    session.close()
    const tries = this.reopens.get(session.peer) ?? 0
    if (tries >= MAX_REOPENS_PER_PEER || this.signal.aborted || this.stoq.isPenalised(session.peer)) return undefined
    this.reopens.set(session.peer, tries + 1)
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS), this.signal])
    try {
      const connection = await this.components.connectionManager.openConnection(peerIdFromString(session.peer), { signal })
      const fresh = await this.newSession(connection, signal)
      log('reopened a STOQ stream to %s (try %d)', session.peer, tries + 1)
      return fresh
    } catch (err: any) {
      log('could not reopen a STOQ stream to %s: %s', session.peer, err.message)
      return undefined
    }
  }

  close (): void {
    this.onJoin = undefined
    this.closing.abort(new HyperMeshError('the fetch ended'))
    for (const s of this.sessions) s.close()
  }

  private async connect (): Promise<Session[]> {
    const { components, init } = this
    const max = init.maxProviders ?? DEFAULT_MAX_PROVIDERS
    const targets = await this.targets(components, max)
    const seen = new Set<string>([components.peerId.toString()])
    await Promise.all(targets.map(async target => {
      const timeout = AbortSignal.timeout(init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS)
      const signal = AbortSignal.any([timeout, this.signal, this.closing.signal])
      try {
        const connection = await components.connectionManager.openConnection(target, { signal })
        const peer = connection.remotePeer.toString()
        if (seen.has(peer) || this.stoq.isPenalised(peer) || this.sessions.length >= max) return
        seen.add(peer)
        const session = await this.newSession(connection, signal)
        if (this.closing.signal.aborted) { session.close(); return }
        this.firstOpen?.()
        if (this.onJoin !== undefined && !this.handedOut.has(session)) this.onJoin(this.handOut([session])[0])
      } catch (err: any) {
        if (this.signal.aborted) throw this.signal.reason
        log('could not open a STOQ stream to %s: %s', target.toString(), err.message)
      }
    }))
    if (this.sessions.length === 0) throw new NoProvidersError(this.cid.toString())
    if (this.closing.signal.aborted) return this.sessions
    this.options.onProgress?.(new CustomProgressEvent('stoq:fetch:providers', { root: this.cid.toString(), peers: this.sessions.map(s => s.peer) }))
    return this.sessions
  }

  /** A STOQ stream on `connection`, as a session of this fetch. */
  private async newSession (connection: Connection, signal: AbortSignal): Promise<Session> {
    const stream = await connection.newStream(PROTOCOL, { signal })
    const session = new Session(stream, connection.remotePeer.toString(), this.init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS)
    this.sessions.push(session)
    return session
  }

  private async targets (components: StoqComponents, max: number): Promise<Array<PeerId | Multiaddr | Multiaddr[]>> {
    if (this.options.providers !== undefined && this.options.providers.length > 0) {
      return this.options.providers.map(p => typeof p !== 'string' ? p : p.startsWith('/') ? multiaddr(p) : peerIdFromString(p))
    }
    if (components.contentRouting === undefined) throw new NoContentRoutingError()
    const out: Array<PeerId | Multiaddr[]> = []
    const signal = AbortSignal.any([AbortSignal.timeout(this.init.findProvidersTimeoutMs ?? DEFAULT_FIND_PROVIDERS_TIMEOUT_MS), this.signal])
    try {
      for await (const p of components.contentRouting.findProviders(providerKey(this.cid), { signal })) {
        if (p.id.equals(components.peerId) || this.stoq.isPenalised(p.id.toString())) continue
        out.push(p.multiaddrs.length > 0 ? p.multiaddrs.map(a => a.getComponents().some(c => c.name === 'p2p') ? a : a.encapsulate(`/p2p/${p.id.toString()}`)) : p.id)
        // ask a few more than we will use: some will be unreachable
        if (out.length >= max * 2) break
      }
    } catch (err: any) {
      if (this.signal.aborted) throw this.signal.reason
      log('provider search for %s ended: %s', this.cid, err.message)
    }
    return out
  }
}

function parseCid (text: string): CID {
  try {
    return CID.parse(text)
  } catch {
    throw new UnsupportedCidError(text)
  }
}
