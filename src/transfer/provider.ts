import { logger } from '@libp2p/logger'
import type { Connection, Stream } from '@libp2p/interface'
import type { ChunkStore } from '../store/index.ts'
import { CID } from '../package/index.ts'
import { ERROR_CODES } from './errors.ts'
import { TokenBucket } from './rate-limit.ts'
import { writeMessage } from './stream-io.ts'
import { MSG_BLOCK, MSG_ERROR } from './wire.ts'
import { RequestQueue } from './request-queue.ts'
import { SendBuffers } from './send-buffers.ts'
import { SEND_BUFFERS_PER_STREAM } from './constants.ts'

const log = logger('hypermesh:transfer:provider')

/**
 * How long a peer's rate bucket outlives its last stream: a bucket holds at most a second of
 * budget, so after this it is as full as a new one. Dropping it with the last stream gave a peer
 * that closed and reopened its streams a fresh second of unlimited bytes each time.
 */
const BUCKET_KEEP_MS = 1_000

type Answer = { data: Uint8Array } | { code: number, msg?: string }

/** What the admission hook sees for each request. */
export interface AdmissionRequest {
  /** The requesting peer (PeerId string). */
  peer: string
  /** The requested block's CID string. */
  cid: string
}

/**
 * Decides whether to serve a request: `true` serves it, `false` answers PERMISSION, a number of
 * milliseconds delays it (throttle). This is where trust gates plug in (TrustChain issue).
 */
export type AdmissionHook = (request: AdmissionRequest) => boolean | number | Promise<boolean | number>

export interface ProviderInit {
  store: ChunkStore
  admit?: AdmissionHook
  maxStreamsPerPeer: number
  /** Per-peer upload limit in bytes/s; undefined for none. */
  maxBytesPerSecondPerPeer?: number
  idleTimeoutMs: number
}

/**
 * The serving side: one handler per inbound stream, answering GET requests in order, one at a
 * time, so a provider holds at most one block per stream in memory whatever the getter does.
 */
export class Provider {
  private readonly init: ProviderInit
  private readonly streamsPerPeer = new Map<string, number>()
  private readonly buckets = new Map<string, { bucket: TokenBucket, streams: number }>()
  /** Blocks served since start, for metrics and tests. */
  served = 0
  bytesServed = 0

  constructor (init: ProviderInit) {
    this.init = init
  }

  readonly handle = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer.toString()
    const count = (this.streamsPerPeer.get(peer) ?? 0) + 1
    this.streamsPerPeer.set(peer, count)
    const bucket = this.bucketFor(peer)?.bucket
    const shutdown = new AbortController()
    stream.addEventListener('close', () => { shutdown.abort() }, { once: true })
    const queue = new RequestQueue(stream, this.init.idleTimeoutMs)
    const buffers = new SendBuffers(SEND_BUFFERS_PER_STREAM)
    const into = (length: number): Uint8Array => {
      buffers.acknowledged(queue.acked)
      return buffers.take(length)
    }
    /** Answers sent on this stream so far (a getter's `ack` counts them too). */
    let answered = 0
    try {
      // one block is read ahead while the previous one is sent, so the link never waits for
      // the disk; blocks are read into buffers reused once the getter acknowledged them, so
      // memory stays at SEND_BUFFERS_PER_STREAM blocks per stream whatever the getter does
      let ahead: { id: number, answer: Promise<Answer> } | undefined
      for (let req = await queue.next(); req !== undefined; req = await queue.next(), answered++) {
        const answer = ahead?.id === req.id ? ahead.answer : this.answer(peer, req.cid, count, into)
        const following = queue.peek()
        ahead = following !== undefined ? { id: following.id, answer: this.answer(peer, following.cid, count, into) } : undefined
        const a = await answer
        if ('data' in a) {
          await bucket?.take(a.data.length, shutdown.signal)
          buffers.sent(answered, a.data)
          await writeMessage(stream, { t: MSG_BLOCK, id: req.id, data: [a.data] }, shutdown.signal)
          this.served++
          this.bytesServed += a.data.length
        } else {
          await writeMessage(stream, { t: MSG_ERROR, id: req.id, code: a.code, ...(a.msg !== undefined ? { msg: a.msg } : {}) }, shutdown.signal)
        }
      }
      await stream.close()
    } catch (err: any) {
      log('stream from %s ended: %s', peer, err.message)
      stream.abort(err)
    } finally {
      queue.stop()
      const left = (this.streamsPerPeer.get(peer) ?? 1) - 1
      if (left === 0) this.streamsPerPeer.delete(peer)
      else this.streamsPerPeer.set(peer, left)
      this.releaseBucket(peer)
    }
  }

  /** The answer to one request; never rejects, so a read-ahead that is never awaited is harmless. */
  private async answer (peer: string, cidBytes: Uint8Array, streams: number, into: (length: number) => Uint8Array): Promise<Answer> {
    if (streams > this.init.maxStreamsPerPeer) return { code: ERROR_CODES.LIMIT, msg: 'too many streams from this peer' }
    let cid: CID
    try {
      cid = CID.decode(cidBytes)
    } catch {
      return { code: ERROR_CODES.NOT_FOUND, msg: 'not a CID' }
    }
    try {
      if (this.init.admit !== undefined) {
        const decision = await this.init.admit({ peer, cid: cid.toString() })
        if (decision === false) return { code: ERROR_CODES.PERMISSION }
        if (typeof decision === 'number' && decision > 0) await new Promise(resolve => setTimeout(resolve, decision))
      }
      return { data: await this.init.store.get(cid, { into }) }
    } catch (err: any) {
      if (err.name === 'BlockNotFoundError' || err.name === 'CorruptBlockError') return { code: ERROR_CODES.NOT_FOUND }
      log.error('serving %s failed: %s', cid, err.message)
      return { code: ERROR_CODES.INTERNAL }
    }
  }

  /** One bucket per peer, shared by its streams, dropped BUCKET_KEEP_MS after its last stream. */
  private bucketFor (peer: string): { bucket: TokenBucket, streams: number } | undefined {
    if (this.init.maxBytesPerSecondPerPeer === undefined) return undefined
    let entry = this.buckets.get(peer)
    if (entry === undefined) {
      entry = { bucket: new TokenBucket(this.init.maxBytesPerSecondPerPeer), streams: 0 }
      this.buckets.set(peer, entry)
    }
    entry.streams++
    return entry
  }

  private releaseBucket (peer: string): void {
    const entry = this.buckets.get(peer)
    if (entry === undefined) return
    if (--entry.streams > 0) return
    setTimeout(() => {
      if (entry.streams === 0 && this.buckets.get(peer) === entry) this.buckets.delete(peer)
    }, BUCKET_KEEP_MS).unref()
  }
}
