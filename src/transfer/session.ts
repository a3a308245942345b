import { logger } from '@libp2p/logger'
import type { Stream } from '@libp2p/interface'
import type { CID } from '../package/index.ts'
import { MAX_IN_FLIGHT } from './constants.ts'
import { ProtocolViolationError, StallError, StoqRemoteError, StreamClosedError } from './errors.ts'
import { writeMessage } from './stream-io.ts'
import { BlockReader } from './block-reader.ts'
import type { Message } from './wire.ts'
import { MSG_BLOCK, MSG_ERROR, MSG_GET } from './wire.ts'

const log = logger('hypermesh:transfer:session')

interface Pending {
  resolve: (data: Uint8Array[]) => void
  reject: (err: Error) => void
  /** Where the block's bytes are copied as they arrive, when the caller lent a buffer. */
  into?: Uint8Array
}

/**
 * The getter's end of one stream to one provider: pipelined GET requests matched to their
 * answers by id. It does not verify anything (the swarm does, before storing) and it holds no
 * block beyond the one being handed over, so its memory is bounded by the caller's window.
 */
export class Session {
  readonly peer: string
  private readonly stream: Stream
  private readonly stallTimeoutMs: number
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  /** Answers received whole on this stream; every GET carries it as `ack`, so the provider may reuse their buffers. */
  private received = 0
  private lastHeard = performance.now()
  private readonly stallTimer: NodeJS.Timeout
  private closedWith: Error | undefined

  constructor (stream: Stream, peer: string, stallTimeoutMs: number) {
    this.stream = stream
    this.peer = peer
    this.stallTimeoutMs = stallTimeoutMs
    this.stallTimer = setInterval(() => { this.checkStall() }, Math.max(50, stallTimeoutMs / 4))
    this.listen()
  }

  get alive (): boolean {
    return this.closedWith === undefined
  }

  /**
   * Asks for a block; resolves with its (unverified) bytes, in pieces, or rejects with
   * StoqRemoteError or a stream error. A block of exactly `into.length` bytes is copied into
   * `into` as it arrives (the caller may reuse `into` once this resolved, not before).
   */
  async get (cid: CID, signal?: AbortSignal, into?: Uint8Array): Promise<Uint8Array[]> {
    if (this.closedWith !== undefined) throw this.closedWith
    if (this.pending.size >= MAX_IN_FLIGHT) throw new ProtocolViolationError(`at most ${MAX_IN_FLIGHT} requests may be in flight`)
    const id = this.nextId++
    if (this.pending.size === 0) this.lastHeard = performance.now()
    const answer = new Promise<Uint8Array[]>((resolve, reject) => { this.pending.set(id, { resolve, reject, into }) })
    // the answer may be rejected (session closed) while the write still waits for 'drain'; this
    // marks it handled until the await below, which still throws it to the caller
    answer.catch(() => {})
    try {
      await writeMessage(this.stream, { t: MSG_GET, id, cid: cid.bytes, ack: this.received }, signal)
    } catch (err) {
      this.pending.delete(id)
      throw err
    }
    return await answer
  }

  /** Ends the session; pending requests reject with `err` (or StreamClosedError). */
  close (err?: Error): void {
    if (this.closedWith !== undefined) return
    this.closedWith = err ?? new StreamClosedError(`session with ${this.peer} closed`)
    clearInterval(this.stallTimer)
    for (const p of this.pending.values()) p.reject(this.closedWith)
    this.pending.clear()
    if (err === undefined) {
      this.stream.close().catch(e => { this.stream.abort(e) })
    } else {
      this.stream.abort(err)
    }
  }

  private checkStall (): void {
    if (this.pending.size > 0 && performance.now() - this.lastHeard > this.stallTimeoutMs) {
      this.close(new StallError(this.peer, this.stallTimeoutMs))
    }
  }

  /** Parses what the stream delivers as it arrives (see BlockReader) and matches answers to requests. */
  private listen (): void {
    const reader = new BlockReader((id, length) => {
      const into = this.pending.get(id)?.into
      return into?.length === length ? into : undefined
    })
    const onAnswer = (msg: Message): void => { this.answer(msg) }
    const onMessage = (evt: { data: Uint8Array | Iterable<Uint8Array> }): void => {
      // after the session closed, whatever still arrives is read and dropped, so it does not
      // pile up in the stream's read buffer
      if (this.closedWith !== undefined) return
      try {
        reader.push(evt.data, onAnswer)
      } catch (err: any) {
        this.fail(err)
      }
    }
    const onEnd = (evt?: { error?: Error }): void => {
      try {
        reader.end()
        this.fail(evt?.error ?? new StreamClosedError(`${this.peer} closed the stream`))
      } catch (err: any) {
        this.fail(err)
      }
    }
    const stream = this.stream
    stream.addEventListener('message', onMessage)
    stream.addEventListener('remoteCloseWrite', () => { onEnd() }, { once: true })
    stream.addEventListener('close', evt => { onEnd(evt) }, { once: true })
    if (stream.readStatus !== 'readable' && stream.readStatus !== 'paused') queueMicrotask(() => { onEnd() })
  }

  private answer (msg: Message): void {
    if (this.closedWith !== undefined) return
    this.lastHeard = performance.now()
    const p = this.pending.get(msg.id)
    if (p === undefined || msg.t === MSG_GET) throw new ProtocolViolationError(`unexpected message ${msg.t} for id ${msg.id}`)
    this.pending.delete(msg.id)
    this.received++
    if (msg.t === MSG_BLOCK) p.resolve(msg.data)
    else if (msg.t === MSG_ERROR) p.reject(new StoqRemoteError(msg.code, msg.msg))
  }

  private fail (err: Error): void {
    if (this.closedWith !== undefined) return
    log('session with %s failed: %s', this.peer, err.message)
    this.close(err)
  }
}
