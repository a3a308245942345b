import { anySignal } from 'any-signal'
import type { ClearableSignal } from 'any-signal'

/**
 * The AbortSignal discipline from js-libp2p: no caller signal → a default timeout; a caller
 * signal and a shutdown signal are combined so either stops the work. Callers must `clear()`
 * the returned signal when done so its listeners are released.
 */
export function withTimeout (signal: AbortSignal | undefined, timeoutMs: number, ...others: Array<AbortSignal | undefined>): ClearableSignal {
  const signals: Array<AbortSignal | undefined> = [...others]
  signals.push(signal ?? AbortSignal.timeout(timeoutMs))
  return anySignal(signals)
}

/** Throws the signal's reason if it has fired; cheap enough for hot loops. */
export function throwIfAborted (signal?: AbortSignal): void {
  signal?.throwIfAborted()
}
