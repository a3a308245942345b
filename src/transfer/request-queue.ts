import type { Stream } from '@libp2p/interface'
import { MAX_IN_FLIGHT } from './constants.ts'
import { ProtocolViolationError } from './errors.ts'
import { readMessages } from './stream-io.ts'
import { MSG_GET } from './wire.ts'

export interface Request { id: number, cid: Uint8Array }

/**
 * The provider's inbound requests, read as they arrive so the server can look one ahead. More
 * than MAX_IN_FLIGHT unanswered requests, a non-GET message, or no request for `idleTimeoutMs`
 * while nothing is queued ends the stream.
 */
export class RequestQueue {
  private readonly items: Request[] = []
  /** The highest `ack` the getter sent: how many answers it has received whole. */
  acked = 0
  private wake: (() => void) | undefined
  private ended = false
  private error: Error | undefined
  private idle: NodeJS.Timeout | undefined
  private readonly stream: Stream
  private readonly idleTimeoutMs: number

  constructor (stream: Stream, idleTimeoutMs: number) {
    this.stream = stream
    this.idleTimeoutMs = idleTimeoutMs
    void this.read()
  }

  /** The next request, or undefined when the getter closed its side. Throws on a violation. */
  async next (): Promise<Request | undefined> {
    while (this.items.length === 0) {
      if (this.error !== undefined) throw this.error
      if (this.ended) return undefined
      // idle means waiting for the getter, never a slow send on our side
      this.armIdle()
      await new Promise<void>(resolve => { this.wake = resolve })
      clearTimeout(this.idle)
    }
    return this.items.shift()
  }

  peek (): Request | undefined {
    return this.items[0]
  }

  stop (): void {
    clearTimeout(this.idle)
    this.ended = true
    this.wake?.()
  }

  private armIdle (): void {
    clearTimeout(this.idle)
    this.idle = setTimeout(() => {
      if (this.items.length === 0) this.fail(new ProtocolViolationError(`no request for ${this.idleTimeoutMs} ms`))
    }, this.idleTimeoutMs)
  }

  private fail (err: Error): void {
    this.error = err
    this.wake?.()
  }

  private async read (): Promise<void> {
    try {
      for await (const msg of readMessages(this.stream)) {
        if (msg.t !== MSG_GET) throw new ProtocolViolationError(`unexpected message type ${msg.t} from a getter`)
        if (this.items.length >= MAX_IN_FLIGHT) throw new ProtocolViolationError(`more than ${MAX_IN_FLIGHT} requests in flight`)
        if (msg.ack !== undefined && msg.ack > this.acked) this.acked = msg.ack
        this.items.push({ id: msg.id, cid: msg.cid })
        this.wake?.()
      }
      this.ended = true
    } catch (err: any) {
      this.error = err
    } finally {
      this.wake?.()
    }
  }
}
