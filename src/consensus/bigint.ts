/** BigInt helpers for the VDF and hash-to-prime: fixed-width byte encoding and modular powers. */

export function bytesToBigInt (bytes: Uint8Array): bigint {
  if (bytes.byteLength === 0) return 0n
  return BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'))
}

/** Big-endian, exactly `length` bytes; throws if the value does not fit. */
export function bigIntToBytes (value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative')
  const hex = value.toString(16).padStart(length * 2, '0')
  if (hex.length > length * 2) throw new RangeError(`value does not fit in ${length} bytes`)
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function bitLength (value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}

/**
 * Sliding windows of up to this many bits: each window costs one multiplication by a
 * precomputed odd power, so a b-bit exponent needs about b/(WINDOW_BITS+1) multiplications
 * besides its b squarings, against b/2 bit by bit.
 */
const WINDOW_BITS = 4

/** For each index of `bits`, the odd value of the window ending there, or 0. */
function windows (bits: string): Uint16Array {
  const ends = new Uint16Array(bits.length)
  let i = 0
  while (i < bits.length) {
    if (bits.charCodeAt(i) === 48) { i++; continue }
    let j = Math.min(i + WINDOW_BITS, bits.length)
    while (bits.charCodeAt(j - 1) === 48) j--
    ends[j - 1] = parseInt(bits.slice(i, j), 2)
    i = j
  }
  return ends
}

/** base^1, base^3, …, base^(2^WINDOW_BITS − 1) mod m, indexed by (v − 1) / 2. */
function oddPowers (base: bigint, m: bigint): bigint[] {
  const square = (base * base) % m
  const table = [base % m]
  for (let k = 1; k < 1 << (WINDOW_BITS - 1); k++) table.push((table[k - 1] * square) % m)
  return table
}

/** Π baseᵢ^expᵢ mod m with one shared chain of squarings (interleaved sliding windows). */
export function multiExp (terms: Array<[bigint, bigint]>, m: bigint): bigint {
  if (m === 1n) return 0n
  const width = Math.max(1, ...terms.map(([, e]) => bitLength(e)))
  const plans = terms.map(([base, exp]) => {
    const bits = exp.toString(2)
    return { offset: width - bits.length, ends: windows(bits), table: oddPowers(base, m) }
  })
  let result = 1n
  for (let p = 0; p < width; p++) {
    result = (result * result) % m
    for (const plan of plans) {
      const v = p >= plan.offset ? plan.ends[p - plan.offset] : 0
      if (v !== 0) result = (result * plan.table[(v - 1) >> 1]) % m
    }
  }
  return result
}

/** base^exp mod m. */
export function modPow (base: bigint, exp: bigint, m: bigint): bigint {
  return multiExp([[base, exp]], m)
}

/** a^x · b^y mod m, sharing the squarings of both powers. */
export function modPow2 (a: bigint, x: bigint, b: bigint, y: bigint, m: bigint): bigint {
  return multiExp([[a, x], [b, y]], m)
}
