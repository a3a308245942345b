import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { canonical, proveVdf, vdfInput, verifyVdf } from '../../src/consensus/vdf.ts'
import { hashToPrime, isProbablePrime } from '../../src/consensus/hash-to-prime.ts'
import { bitLength, bytesToBigInt, modPow, modPow2 } from '../../src/consensus/bigint.ts'
import { RSA_2048 } from '../../src/consensus/rsa2048.ts'

describe('Wesolowski VDF', () => {
  const g = vdfInput(new Uint8Array(32).fill(7))
  const T = 1000

  it('uses the 617-digit, 2048-bit RSA challenge modulus', () => {
    assert.equal(RSA_2048.toString().length, 617)
    assert.equal(bitLength(RSA_2048), 2048)
    assert.ok(RSA_2048.toString().startsWith('2519590847565789349402718324'))
    assert.ok(RSA_2048.toString().endsWith('22822120720357'))
  })

  it('derives a canonical input from the context', () => {
    assert.ok(g >= 2n && g <= (RSA_2048 - 1n) / 2n)
    assert.notEqual(vdfInput(new Uint8Array(32).fill(8)), g)
  })

  it('computes y = g^(2^T) and π = g^⌊2^T/l⌋ (canonical) like the naive formulas', async () => {
    const proof = await proveVdf(g, T, 128)
    const y = bytesToBigInt(proof.y)
    assert.equal(y, canonical(modPow(g, 1n << BigInt(T), RSA_2048)))
    const l = hashToPrime(g, y, T, 128)
    assert.equal(bytesToBigInt(proof.pi), canonical(modPow(g, (1n << BigInt(T)) / l, RSA_2048)))
    verifyVdf(g, proof, T, 128)
  })

  it('reports progress and stops when aborted', async () => {
    const events: string[] = []
    await proveVdf(g, 8192, 128, { onProgress: evt => { events.push(evt.type) } })
    assert.deepEqual(events, ['consensus:prove:vdf', 'consensus:prove:vdf'])
    await assert.rejects(proveVdf(g, 1 << 20, 128, { signal: AbortSignal.abort() }), { name: 'AbortError' })
  })

  it('rejects a proof for another T or prime size', async () => {
    const proof = await proveVdf(g, T, 128)
    assert.throws(() => verifyVdf(g, proof, T - 1, 128), { name: 'VdfProofInvalidError' })
    assert.throws(() => verifyVdf(g, proof, T, 256), { name: 'VdfProofInvalidError' })
    assert.throws(() => verifyVdf(g + 1n, proof, T, 128), { name: 'VdfProofInvalidError' })
  })

  it('rejects out-of-range elements as non-canonical', async () => {
    const proof = await proveVdf(g, T, 128)
    assert.throws(() => verifyVdf(g, { ...proof, pi: new Uint8Array(256) }, T, 128), { name: 'VdfNonCanonicalError' })
    assert.throws(() => verifyVdf(g, { ...proof, y: new Uint8Array(256).fill(0xff) }, T, 128), { name: 'VdfNonCanonicalError' })
  })

  it('hashes to primes of exactly the asked size, deterministically', () => {
    for (const bits of [128, 256]) {
      const l = hashToPrime(g, 5n, 77, bits)
      assert.equal(bitLength(l), bits)
      assert.equal(l, hashToPrime(g, 5n, 77, bits))
      assert.ok(isProbablePrime(l))
    }
    assert.notEqual(hashToPrime(g, 5n, 78, 128), hashToPrime(g, 5n, 77, 128))
  })

  it('tells primes from composites, Carmichael numbers included', () => {
    assert.ok(isProbablePrime((1n << 127n) - 1n))
    assert.ok(isProbablePrime((1n << 61n) - 1n))
    assert.ok(!isProbablePrime(((1n << 61n) - 1n) * ((1n << 31n) - 1n)))
    assert.ok(!isProbablePrime(561n))
    // 3825123056546413051 is a strong pseudoprime to bases 2 … 23; its factors exceed the trial division limit
    assert.ok(!isProbablePrime(3825123056546413051n))
    assert.ok(isProbablePrime(1999n) && !isProbablePrime(1995n))
  })

  it('computes powers and products of powers like plain square-and-multiply', () => {
    const reference = (base: bigint, exp: bigint, m: bigint): bigint => {
      let result = 1n
      for (const bit of exp.toString(2)) result = (result * result * (bit === '1' ? base : 1n)) % m
      return result
    }
    const m = 1_000_000_007n
    assert.equal(modPow2(3n, 12345n, 5n, 678n, m), (reference(3n, 12345n, m) * reference(5n, 678n, m)) % m)
    for (const [base, exp] of [[2n, 0n], [2n, 1n], [7n, 0b1000000001n], [RSA_2048 - 2n, (1n << 256n) - 1n], [g, (1n << 200n) + 12345n]] as const) {
      assert.equal(modPow(base, exp, RSA_2048), reference(base, exp, RSA_2048))
    }
    assert.equal(modPow2(g, 0n, 5n, 0n, RSA_2048), 1n)
    assert.equal(modPow2(g, (1n << 130n) + 7n, 3n, 99n, RSA_2048), (reference(g, (1n << 130n) + 7n, RSA_2048) * reference(3n, 99n, RSA_2048)) % RSA_2048)
    assert.equal(modPow(5n, 3n, 1n), 0n)
  })
})
