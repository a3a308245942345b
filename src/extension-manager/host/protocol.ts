/**
 * Messages between the node and its extension host process (IPC with `advanced`
 * serialization, so Uint8Arrays cross as bytes). Failures cross as `{ name, message }`.
 */
export interface WireError { name: string, message: string }

/** Any failure (or thrown value) as `{ name, message }`. */
export function toWire (err: unknown): WireError {
  const e = err as { name?: unknown, message?: unknown }
  return { name: String(e?.name ?? 'Error'), message: String(e?.message ?? err) }
}

export type Outcome = { ok: true, value: unknown } | { ok: false, error: WireError }

/** What the node tells the host to set up for one extension; the code is sent, never read from disk by the host. */
export interface LoadSpec {
  ext: string
  /** The entry module's source, an ES module without imports. */
  code: string
  filename: string
  capabilities: string[]
  memoryMb: number
  callTimeoutMs: number
  cpuPercent: number
  cpuBurstMs: number
}

/**
 * Calls into an extension and their answers, the hot path, travel as flat arrays of triples
 * (`callId, method, args` and `callId, ok, value-or-WireError`): one array per extension and
 * turn, no object per call, and the host passes the array into the isolate as it came.
 */
export type FlatCalls = unknown[]
export type FlatAnswers = unknown[]

export type ToHost =
  | { type: 'load', id: number, spec: LoadSpec }
  | { type: 'calls', ext: string, calls: FlatCalls }
  | { type: 'unload', id: number, ext: string }
  | { type: 'permissions', id: number }
  | { type: 'capability-reply', id: number, outcome: Outcome }

export type FromHost =
  | { type: 'ready' }
  | { type: 'reply', id: number, outcome: Outcome }
  | { type: 'answers', answers: FlatAnswers }
  | { type: 'capability', id: number, ext: string, capability: string, operation: string, args: unknown[] }
  | { type: 'crashed', ext: string, error: WireError }

/** Messages queued in one event-loop turn travel as one IPC message: per-message IPC cost dominates small calls. */
export interface Batch<T> { type: 'batch', messages: T[] }

/**
 * Queues messages and sends them together once the current turn of the event loop is over.
 * `list(key, make)` hands out this turn's flat array for `key` (calls to one extension, or
 * answers), adding the message that carries it on first use, so a turn with a thousand calls
 * still sends one message with one array per extension.
 */
export class Outbox<T> {
  readonly #send: (message: T | Batch<T>) => void
  #messages: T[] = []
  /** Replaced at each flush, never cleared: see SlotTable for what a cleared Map costs. */
  #lists = new Map<string, unknown[]>()

  constructor (send: (message: T | Batch<T>) => void) {
    this.#send = send
  }

  push (message: T): void {
    this.#messages.push(message)
    if (this.#messages.length === 1) setImmediate(this.#flush)
  }

  list (key: string, make: (key: string, items: unknown[]) => T): unknown[] {
    let items = this.#lists.get(key)
    if (items == null) {
      items = []
      this.#lists.set(key, items)
      this.push(make(key, items))
    }
    return items
  }

  /**
   * Adds `items` to this turn's flat array for `key`; when there is none yet, `items` becomes
   * it, uncopied (the caller hands it over and must not change it afterwards).
   */
  append (key: string, make: (key: string, items: unknown[]) => T, items: unknown[]): void {
    if (items.length === 0) return
    const list = this.#lists.get(key)
    if (list == null) {
      this.#lists.set(key, items)
      this.push(make(key, items))
      return
    }
    for (let i = 0; i < items.length; i++) list.push(items[i])
  }

  readonly #flush = (): void => {
    const messages = this.#messages
    this.#messages = []
    this.#lists = new Map()
    this.#send(messages.length === 1 ? messages[0] : { type: 'batch', messages })
  }
}

/** What the permission model lets the host process do (a health check of the second wall). */
export interface HostPermissions {
  permissionModel: boolean
  readOutsideOwnCode: boolean
  write: boolean
  childProcess: boolean
  worker: boolean
}
