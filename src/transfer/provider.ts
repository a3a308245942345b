import { logger } from '@libp2p/logger'
import type { Connection, Stream } from '@libp2p/interface'
import type { ChunkStore } from '../store/index.ts'
import { CID } from '../package/index.ts'
import { ERROR_CODES, ProtocolViolationError } from './errors.ts'
import { TokenBucket } from './rate-limit.ts'
import { readMessages, writeMessage } from './stream-io.ts'
import { MSG_BLOCK, MSG_ERROR, MSG_GET } from './wire.ts'

const log = logger('hypermesh:transfer:provider')

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
    const bucket = this.bucketFor(peer)
    let idle: NodeJS.Timeout | undefined
    const armIdle = (): void => {
      clearTimeout(idle)
      idle = setTimeout(() => { stream.abort(new ProtocolViolationError(`no request for ${this.init.idleTimeoutMs} ms`)) }, this.init.idleTimeoutMs)
    }
    const shutdown = new AbortController()
    stream.addEventListener('close', () => { shutdown.abort() }, { once: true })
    try {
      armIdle()
      for await (const msg of readMessages(stream)) {
        clearTimeout(idle)
        if (msg.t !== MSG_GET) throw new ProtocolViolationError(`unexpected message type ${msg.t} from a getter`)
        if (count > this.init.maxStreamsPerPeer) {
          await writeMessage(stream, { t: MSG_ERROR, id: msg.id, code: ERROR_CODES.LIMIT, msg: 'too many streams from this peer' }, shutdown.signal)
        } else {
          await this.serve(stream, peer, msg.id, msg.cid, bucket?.bucket, shutdown.signal)
        }
        armIdle()
      }
      await stream.close()
    } catch (err: any) {
      log('stream from %s ended: %s', peer, err.message)
      stream.abort(err)
    } finally {
      clearTimeout(idle)
      const left = (this.streamsPerPeer.get(peer) ?? 1) - 1
      if (left === 0) this.streamsPerPeer.delete(peer)
      else this.streamsPerPeer.set(peer, left)
      this.releaseBucket(peer)
    }
  }

  private async serve (stream: Stream, peer: string, id: number, cidBytes: Uint8Array, bucket: TokenBucket | undefined, signal: AbortSignal): Promise<void> {
    let cid: CID
    try {
      cid = CID.decode(cidBytes)
    } catch {
      await writeMessage(stream, { t: MSG_ERROR, id, code: ERROR_CODES.NOT_FOUND, msg: 'not a CID' }, signal)
      return
    }
    if (this.init.admit !== undefined) {
      const decision = await this.init.admit({ peer, cid: cid.toString() })
      if (decision === false) {
        await writeMessage(stream, { t: MSG_ERROR, id, code: ERROR_CODES.PERMISSION }, signal)
        return
      }
      if (typeof decision === 'number' && decision > 0) await new Promise(resolve => setTimeout(resolve, decision))
    }
    let data: Uint8Array
    try {
      data = await this.init.store.get(cid, { signal })
    } catch (err: any) {
      const code = err.name === 'BlockNotFoundError' || err.name === 'CorruptBlockError' ? ERROR_CODES.NOT_FOUND : ERROR_CODES.INTERNAL
      if (code === ERROR_CODES.INTERNAL) log.error('serving %s failed: %s', cid, err.message)
      await writeMessage(stream, { t: MSG_ERROR, id, code }, signal)
      return
    }
    await bucket?.take(data.length, signal)
    await writeMessage(stream, { t: MSG_BLOCK, id, data }, signal)
    this.served++
    this.bytesServed += data.length
  }

  /** One bucket per peer, shared by its streams, dropped with its last stream. */
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
    if (--entry.streams === 0) this.buckets.delete(peer)
  }
}
