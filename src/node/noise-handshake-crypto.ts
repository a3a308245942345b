import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { Uint8ArrayList } from 'uint8arraylist'
import { fastNoiseCrypto } from '../transfer/index.ts'

/**
 * The node's Noise crypto: the transfer area's cipher (key objects reused, for bulk data) with
 * X25519 done by node:crypto (OpenSSL) instead of the library's pure-JS curve. Every connection
 * costs three of these operations on each side; in JS they were 12 % of the CPU of a 20-daemon
 * mesh under publish load (profiled: noble's montgomeryLadder), native they are a few µs.
 * Same bytes on the wire: X25519 is X25519 (test/node/noise-handshake-crypto.spec.ts compares
 * both with the pure-JS one).
 */

/** DER prefix of a raw 32-byte X25519 private key in PKCS#8 (RFC 8410). */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
/** DER prefix of a raw 32-byte X25519 public key in SubjectPublicKeyInfo (RFC 8410). */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

function raw (bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}

function privateKeyObject (key: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, key]), format: 'der', type: 'pkcs8' })
}

function publicKeyOf (privateKey: ReturnType<typeof createPrivateKey>): Uint8Array {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length)
}

export const nodeNoiseCrypto: ICryptoInterface = {
  ...fastNoiseCrypto,
  generateX25519KeyPair () {
    const { privateKey, publicKey } = generateKeyPairSync('x25519', {
      privateKeyEncoding: { format: 'der', type: 'pkcs8' },
      publicKeyEncoding: { format: 'der', type: 'spki' }
    })
    return { privateKey: privateKey.subarray(PKCS8_X25519.length), publicKey: publicKey.subarray(SPKI_X25519.length) }
  },
  generateX25519KeyPairFromSeed (seed) {
    return { privateKey: seed, publicKey: publicKeyOf(privateKeyObject(seed)) }
  },
  generateX25519SharedKey (privateKey, publicKey) {
    return diffieHellman({
      privateKey: privateKeyObject(raw(privateKey)),
      publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, raw(publicKey)]), format: 'der', type: 'spki' })
    })
  }
}
