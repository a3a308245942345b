/**
 * Messages between the node and its extension host process (IPC with `advanced`
 * serialization, so Uint8Arrays cross as bytes). Failures cross as `{ name, message }`.
 */
export interface WireError { name: string, message: string }

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
  | { type: 'capability-reply', id: number, outcome: Outcome }

export type FromHost =
  | { type: 'ready' }
  | { type: 'reply', id: number, outcome: Outcome }
  | { type: 'capability', id: number, ext: string, capability: string, operation: string, args: unknown[] }
  | { type: 'crashed', ext: string, error: WireError }
