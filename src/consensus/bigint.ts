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

/** base^exp mod m, left to right. */
export function modPow (base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n
  let result = 1n
  base %= m
  const bits = exp.toString(2)
  for (let i = 0; i < bits.length; i++) {
    result = (result * result) % m
    if (bits.charCodeAt(i) === 49) result = (result * base) % m
  }
  return result
}

/** a^x · b^y mod m in one pass over the bits (Shamir's trick): half the squarings of two powers. */
export function modPow2 (a: bigint, x: bigint, b: bigint, y: bigint, m: bigint): bigint {
  const ab = (a * b) % m
  const width = Math.max(bitLength(x), bitLength(y))
  const xs = x.toString(2).padStart(width, '0')
  const ys = y.toString(2).padStart(width, '0')
  let result = 1n
  for (let i = 0; i < width; i++) {
    result = (result * result) % m
    const bx = xs.charCodeAt(i) === 49
    const by = ys.charCodeAt(i) === 49
    if (bx && by) result = (result * ab) % m
    else if (bx) result = (result * a) % m
    else if (by) result = (result * b) % m
  }
  return result
}
