import { bigIntToBytes, bytesToBigInt, modPow } from './bigint.ts'
import { expand, u32, u64 } from './encoding.ts'
import { RSA_2048_BYTES } from './rsa2048.ts'

/**
 * HashToPrime (SPEC.md §5.3): the first candidate c = 0, 1, 2, … whose hash, with its top and
 * bottom bits set, survives trial division by the primes below TRIAL_DIVISION_LIMIT and
 * Miller–Rabin to each base in MILLER_RABIN_BASES. Deterministic, so prover and verifier agree.
 */

/** Trial division by every prime below this removes most composites for the cost of a remainder. */
export const TRIAL_DIVISION_LIMIT = 2000
/**
 * Miller–Rabin bases: the first 20 primes. A random b-bit odd composite passes even one base with
 * probability far below 2^-40 for b ≥ 128, and the candidates are hash outputs, not chosen.
 */
export const MILLER_RABIN_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n]
/** A b-bit range holds about b·ln2/2 odd candidates per prime; this many means something is broken. */
export const MAX_CANDIDATES = 1 << 16

const SMALL_PRIMES = sieve(TRIAL_DIVISION_LIMIT)
/**
 * The small primes in groups whose product stays below 2^53: one BigInt remainder per group,
 * then plain number remainders, a quarter of the BigInt work of dividing prime by prime.
 */
const PRIME_GROUPS = groupPrimes(SMALL_PRIMES.map(Number))

function groupPrimes (primes: number[]): Array<{ product: bigint, primes: number[] }> {
  const groups: Array<{ product: bigint, primes: number[] }> = []
  let current: number[] = []
  let product = 1
  for (const p of primes) {
    if (product * p > Number.MAX_SAFE_INTEGER) {
      groups.push({ product: BigInt(product), primes: current })
      current = []
      product = 1
    }
    current.push(p)
    product *= p
  }
  if (current.length > 0) groups.push({ product: BigInt(product), primes: current })
  return groups
}

function sieve (limit: number): bigint[] {
  const composite = new Uint8Array(limit)
  const primes: bigint[] = []
  for (let i = 2; i < limit; i++) {
    if (composite[i] === 1) continue
    primes.push(BigInt(i))
    for (let j = i * i; j < limit; j += i) composite[j] = 1
  }
  return primes
}

/** True when n passes trial division and Miller–Rabin to every fixed base (n must exceed the limit). */
export function isProbablePrime (n: bigint): boolean {
  if (n < BigInt(TRIAL_DIVISION_LIMIT)) return SMALL_PRIMES.includes(n)
  for (const group of PRIME_GROUPS) {
    const r = Number(n % group.product)
    for (const p of group.primes) if (r % p === 0) return false
  }
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) { d >>= 1n; s++ }
  for (const a of MILLER_RABIN_BASES) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    let witness = true
    for (let r = 1; r < s; r++) {
      x = (x * x) % n
      if (x === n - 1n) { witness = false; break }
    }
    if (witness) return false
  }
  return true
}

/** l = HashToPrime(g, y, T, bits). */
export function hashToPrime (g: bigint, y: bigint, iterations: number, bits: number): bigint {
  const gBytes = bigIntToBytes(g, RSA_2048_BYTES)
  const yBytes = bigIntToBytes(y, RSA_2048_BYTES)
  const top = 1n << BigInt(bits - 1)
  for (let c = 0; c < MAX_CANDIDATES; c++) {
    const h = expand('vdf-prime', bits / 8, gBytes, yBytes, u64(iterations), u32(bits), u32(c))
    const candidate = bytesToBigInt(h) | top | 1n
    if (isProbablePrime(candidate)) return candidate
  }
  throw new Error('hash-to-prime found no prime; the parameters are broken')
}
