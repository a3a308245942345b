import { createCipheriv, createDecipheriv, createHash, createSecretKey } from 'node:crypto'
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
 * so caching the KeyObject keyed by the key's bytes is exact. Handshake pieces (HKDF, X25519)
 * are the library's own pure-JS ones: they run once per connection.
 *
 * Input that arrives in pieces (a Uint8ArrayList: yamux frames, TCP reads) is answered in pieces,
 * as the stock implementation does: joining them cost one more copy of every byte on both ends
 * and made the fix slower than stock for STOQ transfers. A single array in gives a single array
 * out, which the handshake needs.
 *
 * Wire-compatible with every other Noise implementation: only where the key object comes from
 * changes. Use it as `noise({ crypto: fastNoiseCrypto })`.
 */

const CHACHA = 'chacha20-poly1305'
/** Poly1305 tag length in bytes (RFC 8439). */
const TAG_LENGTH = 16
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

function pieces (data: Bytes): Iterable<Uint8Array> {
  return data instanceof Uint8Array ? [data] : data
}

export const fastNoiseCrypto: ICryptoInterface = {
  ...pureJsCrypto,
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
