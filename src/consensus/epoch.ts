import { EpochFutureError, EpochStaleError } from './errors.ts'
import type { ConsensusParams } from './params.ts'

/** Epoch e covers [e·epochMs, (e+1)·epochMs) of Unix time in milliseconds (SPEC.md §3). */
export function epochAt (timeMs: number, params: ConsensusParams): number {
  return Math.floor(timeMs / params.epochMs)
}

/** Accepts the current and the previous epoch, each widened by the clock skew. */
export function checkEpoch (epoch: number, now: number, params: ConsensusParams): void {
  if (epoch > epochAt(now + params.clockSkewMs, params)) throw new EpochFutureError(`epoch ${epoch} has not started`, { hint: 'check this machine\'s clock' })
  if (epoch < epochAt(now - params.clockSkewMs, params) - 1) throw new EpochStaleError(`epoch ${epoch} is over`, { hint: 'make a fresh proof' })
}
