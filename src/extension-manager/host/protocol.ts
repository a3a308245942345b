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

export type ToHost =
  | { type: 'load', id: number, spec: LoadSpec }
  | { type: 'call', id: number, ext: string, method: string, args: unknown[] }
  | { type: 'unload', id: number, ext: string }
  | { type: 'permissions', id: number }
  | { type: 'capability-reply', id: number, outcome: Outcome }

export type FromHost =
  | { type: 'ready' }
  | { type: 'reply', id: number, outcome: Outcome }
  | { type: 'capability', id: number, ext: string, capability: string, operation: string, args: unknown[] }
  | { type: 'crashed', ext: string, error: WireError }

/** Messages queued in one event-loop turn travel as one IPC message: per-message IPC cost dominates small calls. */
export interface Batch<T> { type: 'batch', messages: T[] }

/**
 * Queues messages and sends them together once the current turn of the event loop is over.
 */
export function batchingSender<T> (send: (message: T | Batch<T>) => void): (message: T) => void {
  let queue: T[] = []
  const flush = (): void => {
    const messages = queue
    queue = []
    send(messages.length === 1 ? messages[0] : { type: 'batch', messages })
  }
  return (message: T) => {
    queue.push(message)
    if (queue.length === 1) setImmediate(flush)
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
