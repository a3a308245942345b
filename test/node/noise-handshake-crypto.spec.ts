import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import { Uint8ArrayList } from 'uint8arraylist'
import { nodeNoiseCrypto } from '../../src/node/noise-handshake-crypto.ts'

describe('nodeNoiseCrypto X25519', () => {
  it('derives the same public key from a seed as the pure-JS curve', () => {
    for (let i = 0; i < 8; i++) {
      const seed = randomBytes(32)
      assert.deepEqual(Buffer.from(nodeNoiseCrypto.generateX25519KeyPairFromSeed(seed).publicKey), Buffer.from(pureJsCrypto.generateX25519KeyPairFromSeed(seed).publicKey))
    }
  })

  it('agrees on the shared secret with a pure-JS peer, both ways, from arrays and lists', () => {
    for (let i = 0; i < 8; i++) {
      const ours = nodeNoiseCrypto.generateX25519KeyPair()
      const theirs = pureJsCrypto.generateX25519KeyPair()
      assert.equal(ours.privateKey.byteLength, 32)
      assert.equal(ours.publicKey.byteLength, 32)
      const a = nodeNoiseCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)
      const b = pureJsCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey)
      const c = nodeNoiseCrypto.generateX25519SharedKey(new Uint8ArrayList(ours.privateKey), new Uint8ArrayList(theirs.publicKey.subarray(0, 10), theirs.publicKey.subarray(10)))
      assert.deepEqual(Buffer.from(a), Buffer.from(b))
      assert.deepEqual(Buffer.from(c), Buffer.from(b))
    }
  })

  it('is faster than the pure-JS curve', () => {
    const time = (crypto: typeof pureJsCrypto): number => {
      const t = performance.now()
      for (let i = 0; i < 50; i++) {
        const k = crypto.generateX25519KeyPair()
        crypto.generateX25519SharedKey(k.privateKey, k.publicKey)
      }
      return performance.now() - t
    }
    time(nodeNoiseCrypto)
    assert.ok(time(nodeNoiseCrypto) < time(pureJsCrypto))
  })
})
