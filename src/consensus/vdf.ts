import { bigIntToBytes, bytesToBigInt, modPow, modPow2 } from './bigint.ts'
import { expand } from './encoding.ts'
import { VdfNonCanonicalError, VdfProofInvalidError } from './errors.ts'
import { hashToPrime } from './hash-to-prime.ts'
import { RSA_2048, RSA_2048_BYTES } from './rsa2048.ts'
import { STEPS_PER_TURN, turn } from './yield.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'

/**
 * Proof of time: a Wesolowski VDF in the group Z_N* / {±1} with N the RSA-2048 challenge
 * modulus (SPEC.md §5). Working modulo ±1 removes the one element of known order (−1) that
 * would otherwise let a prover hand in N−y; every element is kept canonical, min(x, N−x).
 */

const N = RSA_2048
const HALF_N = (N - 1n) / 2n
/** Extra bytes drawn beyond the modulus size, so reducing mod N leaves no visible bias. */
const G_EXTRA_BYTES = 16
/**
 * The prover writes the quotient ⌊2^T/l⌋ in base 2^WINDOW_BITS and reuses checkpoints
 * g^(2^(WINDOW_BITS·j)) saved while computing y, so π costs T/WINDOW_BITS + 2^(WINDOW_BITS+1)
 * multiplications instead of T more squarings.
 */
const WINDOW_BITS = 8

export interface VdfProof {
  /** y = canon(g^(2^T)), 256 bytes. */
  y: Uint8Array
  /** π = canon(g^⌊2^T/l⌋), 256 bytes. */
  pi: Uint8Array
}

export function canonical (x: bigint): bigint {
  return x > HALF_N ? N - x : x
}

/** g = canon(OS2IP(expand("vdf-g", 272, ctx)) mod N); the context makes it unpredictable. */
export function vdfInput (contextHash: Uint8Array): bigint {
  const g = canonical(bytesToBigInt(expand('vdf-g', RSA_2048_BYTES + G_EXTRA_BYTES, contextHash)) % N)
  if (g < 2n) throw new VdfProofInvalidError('degenerate VDF input')
  return g
}

export async function proveVdf (g: bigint, iterations: number, primeBits: number, options: OperationOptions = {}): Promise<VdfProof> {
  const checkpoints: bigint[] = []
  let x = g
  for (let i = 0; i < iterations; i++) {
    if (i % WINDOW_BITS === 0) checkpoints.push(x)
    x = (x * x) % N
    if ((i + 1) % STEPS_PER_TURN === 0) {
      await turn(options.signal)
      options.onProgress?.(new CustomProgressEvent('consensus:prove:vdf', { done: i + 1, total: iterations }))
    }
  }
  const y = canonical(x)
  const l = hashToPrime(g, y, iterations, primeBits)
  const pi = canonical(quotientPower(checkpoints, iterations, l))
  return { y: bigIntToBytes(y, RSA_2048_BYTES), pi: bigIntToBytes(pi, RSA_2048_BYTES) }
}

/** g^⌊2^T/l⌋ from the checkpoints C_j = g^(2^(WINDOW_BITS·j)). */
function quotientPower (checkpoints: bigint[], iterations: number, l: bigint): bigint {
  const q = (1n << BigInt(iterations)) / l
  const digitsPerWindow = WINDOW_BITS / 4
  const hex = q.toString(16)
  const buckets = new Array<bigint>(1 << WINDOW_BITS).fill(1n)
  // digit j of q in base 2^WINDOW_BITS sits digitsPerWindow hex characters from the right end
  for (let j = 0; j * digitsPerWindow < hex.length; j++) {
    const end = hex.length - j * digitsPerWindow
    const digit = parseInt(hex.slice(Math.max(0, end - digitsPerWindow), end), 16)
    if (digit !== 0) buckets[digit] = (buckets[digit] * checkpoints[j]) % N
  }
  // Π_b bucket_b^b as a running product of suffix products
  let suffix = 1n
  let result = 1n
  for (let b = buckets.length - 1; b >= 1; b--) {
    suffix = (suffix * buckets[b]) % N
    result = (result * suffix) % N
  }
  return result
}

/** Decodes a 256-byte group element and insists on the canonical half [1, (N−1)/2]. */
export function decodeElement (bytes: Uint8Array, what: string): bigint {
  const x = bytesToBigInt(bytes)
  if (x < 1n || x > HALF_N) throw new VdfNonCanonicalError(`VDF ${what} is not a canonical group element`)
  return x
}

/** Checks π^l · g^(2^T mod l) = ±y; T and the prime size are the verifier's, never the prover's. */
export function verifyVdf (g: bigint, proof: VdfProof, iterations: number, primeBits: number): void {
  const y = decodeElement(proof.y, 'output')
  const pi = decodeElement(proof.pi, 'proof')
  const l = hashToPrime(g, y, iterations, primeBits)
  const r = modPow(2n, BigInt(iterations), l)
  if (canonical(modPow2(pi, l, g, r, N)) !== y) throw new VdfProofInvalidError('VDF proof does not verify')
}
