import { logger } from '@libp2p/logger'
import { BlockBuffers } from '../store/index.ts'
import type { ChunkStore } from '../store/index.ts'
import { byteLength, chunkCidAt, chunkCount, chunkLength } from '../package/index.ts'
import type { CID, RootObject } from '../package/index.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import { BadBlockError, ERROR_CODES, FetchIncompleteError, StoqRemoteError } from './errors.ts'
import type { TokenBucket } from './rate-limit.ts'
import type { Session } from './session.ts'
import type { StoqFetchProgress } from './progress.ts'
import { MIN_PEER_WINDOW } from './constants.ts'

const log = logger('hypermesh:transfer:swarm')

/** In the endgame a missing chunk is asked of at most this many providers at once. */
const ENDGAME_MAX_REQUESTS = 2

export interface SwarmOptions {
  window: number
  signal?: AbortSignal
  onProgress?: (evt: StoqFetchProgress) => void
  bucket?: TokenBucket
  /** Called when a peer sent a bad block; the fetcher penalises it beyond this fetch. */
  onBadPeer: (peer: string) => void
  /** Bytes of the root already in the store when the fetch began (for progress totals). */
  presentBytes: number
  /**
   * Opens a fresh session to the peer of one whose stream failed (reset, closed: not a bad
   * block, stall or protocol violation); undefined when the peer has no retries left.
   */
  reopen?: (session: Session) => Promise<Session | undefined>
  /**
   * Registers a callback for providers whose dial completes while the fetch runs (they join it),
   * and one called once every dial has settled: until then a chunk the open providers lack may
   * still come from a provider being dialled, so the fetch waits instead of failing.
   */
  join?: (add: (session: Session) => void, settled: () => void) => void
}

export interface SwarmResult {
  fetchedChunks: number
  fetchedBytes: number
  /** Chunks stored per peer. */
  peers: Record<string, number>
}

interface PeerState {
  session: Session
  /** Chunks asked of this peer whose answers have not been taken up yet: its window's taken slots. */
  requested: Set<number>
  lacks: Set<number>
  pumping: boolean
}

/**
 * The chunk scheduler for one root: the fetch's `window` is shared among its sessions, each
 * keeping window / sessions (at least MIN_PEER_WINDOW, at most window) requests in flight: more
 * outstanding requests than the getter's own link needs only fill socket buffers and lengthen the
 * endgame (3 providers on this 2-core VM: 3 per provider instead of 8 fetched 128 MiB ~10 % faster
 * and duplicated fewer chunks). A slot is free again as soon as its answer has been taken up,
 * and at most `window` received chunks wait for the store at once, so memory stays bounded when
 * the disk is slower than the network. Chunks go to whichever session asks next (so faster peers
 * take more), and once nothing is left unrequested, a session with nothing in flight duplicates
 * the oldest outstanding chunk
 * (endgame). A chunk is verified against its CID before it is written (the store's putChunk refuses a mismatch before
 * writing); a peer that sends a bad chunk is dropped and its chunks go back in the queue; a peer
 * that lacks a chunk is not asked for it again.
 */
export async function fetchChunks (store: ChunkStore, root: CID, obj: RootObject, missing: number[], sessions: Session[], options: SwarmOptions): Promise<SwarmResult> {
  const total = chunkCount(obj.size, obj.chunkSize)
  const queue: number[] = [...missing]
  const queued = new Set(missing)
  const inflight = new Map<number, number>()
  const writing = new Set<number>()
  const done = new Set<number>()
  const peers: Record<string, number> = {}
  /** A provider's state in this fetch; a reopened stream keeps what its peer lacked. */
  const stateOf = (session: Session, lacks = new Set<number>()): PeerState => ({ session, requested: new Set(), lacks, pumping: false })
  const states = new Set<PeerState>(sessions.map(session => stateOf(session)))
  let received = options.presentBytes
  let fetchedBytes = 0
  let lastError: unknown
  let reopening = 0
  let dialling = options.join !== undefined
  const startedWith = total - missing.length
  /** Where chunks are received: the process's aligned buffers, which the store writes from directly. */
  const buffers = BlockBuffers.for(obj.chunkSize)
  /** Requests a provider may have in flight: its share of the window among the providers in the fetch now (they join and leave). */
  const peerWindow = (): number => Math.min(options.window, Math.max(MIN_PEER_WINDOW, Math.ceil(options.window / Math.max(1, states.size))))

  return await new Promise<SwarmResult>((resolve, reject) => {
    let finished = false
    const finish = (err?: Error): void => {
      if (finished) return
      finished = true
      options.signal?.removeEventListener('abort', onAbort)
      if (err !== undefined) reject(err)
      else resolve({ fetchedChunks: done.size, fetchedBytes, peers })
    }
    const onAbort = (): void => { finish(options.signal?.reason) }
    options.signal?.addEventListener('abort', onAbort)
    if (options.signal?.aborted === true) { onAbort(); return }

    const pick = (st: PeerState): number | undefined => {
      while (queue.length > 0) {
        const idx = queue.findIndex(i => !st.lacks.has(i))
        if (idx === -1) break
        const [i] = queue.splice(idx, 1)
        queued.delete(i)
        if (!done.has(i) && !writing.has(i)) return i
      }
      // endgame: only a provider with nothing left in flight duplicates a chunk, one at a time,
      // so a fetch's tail re-asks for a few chunks instead of every provider's whole window
      if (st.requested.size > 0) return undefined
      let best: number | undefined
      let bestCount = ENDGAME_MAX_REQUESTS
      for (const [i, n] of inflight) {
        if (n < bestCount && !st.requested.has(i) && !st.lacks.has(i) && !done.has(i) && !writing.has(i)) {
          best = i
          bestCount = n
        }
      }
      return best
    }

    const requeue = (i: number): void => {
      if (done.has(i) || writing.has(i) || queued.has(i)) return
      queue.unshift(i)
      queued.add(i)
    }

    const drop = (st: PeerState, reason: Error): void => {
      if (!states.delete(st)) return
      lastError = reason
      log('dropping %s: %s', st.session.peer, reason.message)
      options.onProgress?.(new CustomProgressEvent('stoq:fetch:peer:dropped', { peer: st.session.peer, reason: reason.name }))
      st.session.close(reason)
      if (!finished && options.reopen !== undefined && isStreamFailure(reason)) void reopen(st)
      checkStuck()
    }

    /** A peer whose stream broke gets a new one (what it lacked, it still lacks). */
    const reopen = async (st: PeerState): Promise<void> => {
      reopening++
      let session: Session | undefined
      try {
        session = await options.reopen?.(st.session)
      } catch (err: any) {
        log('could not reopen a stream to %s: %s', st.session.peer, err.message)
      } finally {
        reopening--
      }
      if (session !== undefined && !finished) {
        states.add(stateOf(session, st.lacks))
        options.onProgress?.(new CustomProgressEvent('stoq:fetch:peer:reopened', { peer: session.peer }))
      }
      checkStuck()
    }

    /** Fails the fetch when no live session can supply some missing chunk. */
    const checkStuck = (): void => {
      if (finished) return
      const live = [...states]
      if (live.length === 0 && (reopening > 0 || dialling)) return
      if (live.length === 0) { finish(new FetchIncompleteError(root.toString(), total - startedWith - done.size, lastError)); return }
      for (const i of queued) {
        if (reopening === 0 && !dialling && live.every(st => st.lacks.has(i)) && !inflight.has(i)) {
          finish(new FetchIncompleteError(root.toString(), total - startedWith - done.size, new StoqRemoteError(ERROR_CODES.NOT_FOUND, `no provider has chunk ${i}`)))
          return
        }
      }
      for (const st of live) void pump(st)
    }

    const onBlock = async (st: PeerState, i: number, data: Uint8Array[]): Promise<void> => {
      if (done.has(i) || writing.has(i)) return
      const cid = chunkCidAt(obj, i)
      const length = byteLength(data)
      const bad = (): void => {
        options.onBadPeer(st.session.peer)
        requeue(i)
        drop(st, new BadBlockError(st.session.peer, cid.toString()))
      }
      if (length !== chunkLength(obj, i)) { bad(); return }
      writing.add(i)
      let failure: any
      try {
        // putChunk hashes the bytes and refuses them before writing anything if they do not
        // match: one verification per chunk, at the store, instead of one here and one there
        await store.putChunk(root, i, cid, data)
      } catch (err: any) {
        failure = err
      } finally {
        writing.delete(i)
      }
      if (failure?.name === 'BlockHashMismatchError') { bad(); return }
      if (failure !== undefined) { finish(failure); return }
      done.add(i)
      received += length
      fetchedBytes += length
      peers[st.session.peer] = (peers[st.session.peer] ?? 0) + 1
      options.onProgress?.(new CustomProgressEvent('stoq:fetch:chunk', {
        root: root.toString(), index: i, bytes: length, peer: st.session.peer, received, size: obj.size, chunksDone: startedWith + done.size, chunks: total
      }))
      if (done.size === missing.length) finish()
    }

    const request = async (st: PeerState, i: number): Promise<void> => {
      st.requested.add(i)
      inflight.set(i, (inflight.get(i) ?? 0) + 1)
      let data: Uint8Array[] | undefined
      let failure: any
      const into = buffers.take(chunkLength(obj, i))
      try {
        data = await st.session.get(chunkCidAt(obj, i), options.signal, into)
      } catch (err) {
        failure = err
        // a closed session copies nothing more into `into`, nor does one that answered this
        // request with an error; otherwise a block may still be arriving there, and the buffer
        // is not given back (the pool lends another; it counts what it made against its cap)
        if (!st.session.alive || (err as Error).name === 'StoqRemoteError') buffers.give(into)
      }
      const n = (inflight.get(i) ?? 1) - 1
      if (n === 0) inflight.delete(i)
      else inflight.set(i, n)
      st.requested.delete(i)
      if (finished) return
      if (data !== undefined) {
        // the answer freed a window slot: refill it while this chunk is verified and written, so
        // the provider's queue never waits for our disk (onBlock marks the chunk as writing first)
        const stored = onBlock(st, i, data)
        void pump(st)
        await stored
        // written or discarded: nothing holds the bytes any more
        buffers.give(into)
        // a finished write may unblock peers held back by the limit on chunks being written
        for (const other of states) if (other !== st) void pump(other)
      } else if (failure?.name === 'StoqRemoteError' && failure.wireCode === ERROR_CODES.NOT_FOUND) {
        st.lacks.add(i)
        requeue(i)
        checkStuck()
      } else {
        requeue(i)
        drop(st, failure)
        checkStuck()
      }
      if (!finished && states.has(st)) void pump(st)
    }

    const pump = async (st: PeerState): Promise<void> => {
      if (st.pumping) return
      st.pumping = true
      try {
        // a slot counts as taken until the request's continuation has handed its chunk to the
        // store (st.requested), not merely until the answer arrived: answers that arrive together
        // must not free slots before the chunks they carry count as being written
        while (!finished && states.has(st) && st.requested.size < peerWindow() && writing.size < options.window) {
          const i = pick(st)
          if (i === undefined) break
          if (options.bucket !== undefined) {
            try {
              await options.bucket.take(chunkLength(obj, i), options.signal)
            } catch (err: any) {
              requeue(i)
              finish(err)
              return
            }
          }
          void request(st, i)
        }
      } finally {
        st.pumping = false
      }
    }

    options.join?.(session => {
      if (finished) return
      const st = stateOf(session)
      states.add(st)
      options.onProgress?.(new CustomProgressEvent('stoq:fetch:peer:joined', { peer: session.peer }))
      void pump(st)
    }, () => {
      dialling = false
      checkStuck()
    })
    if (missing.length === 0) { finish(); return }
    checkStuck()
  })
}

/**
 * Errors of the stream or connection itself (a reset, a close, a replaced connection) as opposed
 * to the peer misbehaving: the peer may well serve on a new stream, as BitTorrent reconnects.
 */
const STREAM_FAILURES = new Set([
  'StreamResetError', 'StreamClosedError', 'StreamStateError', 'StreamAbortedError', 'ConnectionClosedError', 'ConnectionClosingError', 'MuxerClosedError'
])

export function isStreamFailure (err: unknown): boolean {
  return STREAM_FAILURES.has((err as Error | undefined)?.name ?? '')
}
