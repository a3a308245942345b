import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, createSecretKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { Uint8ArrayList } from 'uint8arraylist'

/**
 * A Noise crypto implementation that reuses one KeyObject per cipher key.
 *
 * @chainsafe/libp2p-noise's default passes the raw key bytes to `createCipheriv` for every
 * message, and on Node 24 that builds a new key object each time — about half of the cipher's
 * cost for 64 KiB Noise messages. Keys do not change during a session (libp2p never rekeys),
 * so caching the KeyObject keyed by the key's bytes is exact. HKDF is the library's own: it
 * runs a few times per connection.
 *
 * Input that arrives in pieces (a Uint8ArrayList: yamux frames, TCP reads) is answered in pieces,
 * as the stock implementation does: joining them cost one more copy of every byte on both ends
 * and made the fix slower than stock for STOQ transfers. A single array in gives a single array
 * out, which the handshake needs.
 *
 * X25519 is node:crypto's (OpenSSL) instead of the library's pure-JS curve: every connection
 * costs three such operations on each side, and in JS they were 12 % of the CPU of a 20-daemon
 * mesh under publish load (noble's montgomeryLadder); native they take a few µs.
 *
 * Wire-compatible with every other Noise implementation: the same ChaCha20-Poly1305 and X25519,
 * computed elsewhere. Use it as `noise({ crypto: fastNoiseCrypto })`.
 */

const CHACHA = 'chacha20-poly1305'
/** Poly1305 tag length in bytes (RFC 8439). */
export const TAG_LENGTH = 16
/** Cached key objects; a connection uses two keys (send, receive), a busy node a few hundred. */
const MAX_CACHED_KEYS = 1024

type Bytes = Uint8Array | (Iterable<Uint8Array> & { byteLength: number, subarray: (start?: number, end?: number) => Uint8Array, sublist: (start?: number, end?: number) => Iterable<Uint8Array> & { byteLength: number } })

const keys = new Map<string, KeyObject>()

function keyObject (k: Uint8Array): KeyObject {
  const id = Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1')
  let key = keys.get(id)
  if (key === undefined) {
    if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value as string)
    key = createSecretKey(k)
    keys.set(id, key)
  }
  return key
}

/** DER prefix of a raw 32-byte X25519 private key in PKCS#8 (RFC 8410). */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
/** DER prefix of a raw 32-byte X25519 public key in SubjectPublicKeyInfo (RFC 8410). */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

function contiguous (bytes: Bytes): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}

function x25519PrivateKey (key: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, key]), format: 'der', type: 'pkcs8' })
}

function x25519PublicKeyOf (privateKey: KeyObject): Uint8Array {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length)
}

function pieces (data: Bytes): Iterable<Uint8Array> {
  return data instanceof Uint8Array ? [data] : data
}

export const fastNoiseCrypto: ICryptoInterface = {
  ...pureJsCrypto,
  generateX25519KeyPair () {
    const { privateKey, publicKey } = generateKeyPairSync('x25519', {
      privateKeyEncoding: { format: 'der', type: 'pkcs8' },
      publicKeyEncoding: { format: 'der', type: 'spki' }
    })
    return { privateKey: privateKey.subarray(PKCS8_X25519.length), publicKey: publicKey.subarray(SPKI_X25519.length) }
  },
  generateX25519KeyPairFromSeed (seed) {
    return { privateKey: seed, publicKey: x25519PublicKeyOf(x25519PrivateKey(seed)) }
  },
  generateX25519SharedKey (privateKey, publicKey) {
    return diffieHellman({
      privateKey: x25519PrivateKey(contiguous(privateKey as Bytes)),
      publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, contiguous(publicKey as Bytes)]), format: 'der', type: 'spki' })
    })
  },
  hashSHA256 (data) {
    const hash = createHash('sha256')
    for (const piece of pieces(data as Bytes)) hash.update(piece)
    return hash.digest()
  },
  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    const cipher = createCipheriv(CHACHA, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
    if (plaintext instanceof Uint8Array) {
      const body = cipher.update(plaintext)
      const final = cipher.final()
      const tag = cipher.getAuthTag()
      return Buffer.concat([body, final, tag], body.length + final.length + tag.length)
    }
    const out = new Uint8ArrayList()
    for (const piece of pieces(plaintext as Bytes)) out.append(cipher.update(piece))
    const final = cipher.final()
    if (final.length > 0) out.append(final)
    out.append(cipher.getAuthTag())
    return out
  },
  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k) {
    const length = ciphertext.byteLength - TAG_LENGTH
    const decipher = createDecipheriv(CHACHA, keyObject(k), nonce, { authTagLength: TAG_LENGTH })
    const text = ciphertext instanceof Uint8Array ? ciphertext.subarray(0, length) : (ciphertext as any).sublist(0, length)
    decipher.setAAD(ad, { plaintextLength: length })
    decipher.setAuthTag(ciphertext.subarray(length))
    if (text instanceof Uint8Array) {
      const body = decipher.update(text)
      const final = decipher.final()
      return final.length === 0 ? body : Buffer.concat([body, final])
    }
    const out = new Uint8ArrayList()
    for (const piece of pieces(text)) out.append(decipher.update(piece))
    const final = decipher.final()
    if (final.length > 0) out.append(final)
    return out
  }
}
