import { absorb, hasher, u64 } from './encoding.ts'
import { WorkInvalidError } from './errors.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import { STEPS_PER_TURN, turn } from './yield.ts'
import type { OperationOptions } from '../util/progress.ts'

/**
 * Proof of work (SPEC.md §4): hashcash over the context and the plot root. The difficulty is
 * the verifier's policy; the bundle's declared `bits` only lets a verifier name the failure.
 */

/** Counts the leading zero bits of a hash. */
export function leadingZeroBits (hash: Uint8Array): number {
  let bits = 0
  for (const byte of hash) {
    if (byte === 0) { bits += 8; continue }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

/** H("work", ctx, plotRoot, u64(nonce)). */
export function workHash (contextHash: Uint8Array, plotRoot: Uint8Array, nonce: number): Uint8Array {
  const hash = hasher('work', contextHash, plotRoot)
  absorb(hash, u64(nonce))
  return new Uint8Array(hash.digest())
}

/** The first nonce from 0 whose work hash has at least `bits` leading zero bits. */
export async function solveWork (contextHash: Uint8Array, plotRoot: Uint8Array, bits: number, options: OperationOptions = {}): Promise<number> {
  const prefix = hasher('work', contextHash, plotRoot)
  for (let nonce = 0; nonce <= Number.MAX_SAFE_INTEGER; nonce++) {
    const hash = prefix.copy()
    absorb(hash, u64(nonce))
    if (leadingZeroBits(hash.digest()) >= bits) return nonce
    if ((nonce + 1) % (STEPS_PER_TURN * 16) === 0) {
      await turn(options.signal)
      options.onProgress?.(new CustomProgressEvent('consensus:prove:work', { tried: nonce + 1 }))
    }
  }
  throw new WorkInvalidError('nonce space exhausted')
}

export function verifyWork (contextHash: Uint8Array, plotRoot: Uint8Array, nonce: number, bits: number): void {
  if (leadingZeroBits(workHash(contextHash, plotRoot, nonce)) < bits) {
    throw new WorkInvalidError(`work hash has fewer than ${bits} leading zero bits`)
  }
}
