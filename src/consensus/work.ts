import { hash as oneShot } from 'node:crypto'
import { hashFields, hashInput, u64 } from './encoding.ts'
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
  return hashFields('work', contextHash, plotRoot, u64(nonce))
}

/**
 * The first nonce from 0 whose work hash has at least `bits` leading zero bits. The whole hash
 * input is laid out once (as hashFields would) and only the nonce bytes are rewritten per try.
 */
export async function solveWork (contextHash: Uint8Array, plotRoot: Uint8Array, bits: number, options: OperationOptions = {}): Promise<number> {
  const template = hashInput('work', contextHash, plotRoot, new Uint8Array(8))
  const view = new DataView(template.buffer, template.byteOffset + template.byteLength - 8, 8)
  for (let nonce = 0; nonce <= Number.MAX_SAFE_INTEGER; nonce++) {
    view.setUint32(0, Math.floor(nonce / 2 ** 32))
    view.setUint32(4, nonce >>> 0)
    if (leadingZeroBits(oneShot('sha256', template, 'buffer')) >= bits) return nonce
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
