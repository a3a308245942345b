import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pureJsCrypto } from '@chainsafe/libp2p-noise'
import { Uint8ArrayList } from 'uint8arraylist'
import { fastNoiseCrypto } from '../../src/transfer/index.ts'
import { pack, MIN_CHUNK_SIZE } from '../../src/package/index.ts'
import { createStoqNode } from '../helpers/stoq-node.ts'
import type { StoqNode } from '../helpers/stoq-node.ts'

/** A minimal list of pieces, shaped like the Uint8ArrayList that noise hands to its crypto. */
function list (parts: Uint8Array[]): any {
  const all = Buffer.concat(parts)
  return {
    byteLength: all.length,
    subarray: (s?: number, e?: number) => all.subarray(s, e),
    sublist: (s = 0, e = all.length) => list([all.subarray(s, Math.min(e, parts[0].length)), all.subarray(Math.min(e, parts[0].length), e)].filter(p => p.length > 0)),
    * [Symbol.iterator] () { yield * parts }
  }
}

/** The bytes of a crypto result, which is one array or (for input in pieces) a list of pieces. */
function flat (out: any): Buffer {
  return Buffer.from(out instanceof Uint8Array ? out : out.subarray())
}

describe('fastNoiseCrypto', () => {
  const nodes: StoqNode[] = []
  after(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  it('produces the same ciphertext as the reference implementation and decrypts it', () => {
    const k = randomBytes(32)
    const nonce = randomBytes(12)
    const ad = randomBytes(32)
    for (const size of [0, 100, 1199, 1200, 65519]) {
      const plain = randomBytes(size)
      const ours = Buffer.from((fastNoiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k) as Uint8Array))
      const ref = Buffer.from((pureJsCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k) as any).subarray())
      assert.deepEqual(ours, ref)
      assert.deepEqual(Buffer.from(fastNoiseCrypto.chaCha20Poly1305Decrypt(ours, nonce, ad, k) as Uint8Array), plain)
      if (size > 10) {
        const cut = Math.floor(size / 2)
        const sealed = fastNoiseCrypto.chaCha20Poly1305Encrypt(list([plain.subarray(0, cut), plain.subarray(cut)]), nonce, ad, k)
        const opened = fastNoiseCrypto.chaCha20Poly1305Decrypt(list([ours.subarray(0, cut), ours.subarray(cut)]), nonce, ad, k)
        // input in pieces is answered in pieces, not joined into a copy
        assert.ok(!(sealed instanceof Uint8Array) && !(opened instanceof Uint8Array))
        assert.deepEqual(flat(sealed), ref)
        assert.deepEqual(flat(opened), plain)
      }
    }
  })

  it('derives the same X25519 public key from a seed as the pure-JS curve', () => {
    for (let i = 0; i < 8; i++) {
      const seed = randomBytes(32)
      assert.deepEqual(Buffer.from(fastNoiseCrypto.generateX25519KeyPairFromSeed(seed).publicKey), Buffer.from(pureJsCrypto.generateX25519KeyPairFromSeed(seed).publicKey))
    }
  })

  it('agrees on the X25519 shared secret with a pure-JS peer, both ways, from arrays and lists', () => {
    for (let i = 0; i < 8; i++) {
      const ours = fastNoiseCrypto.generateX25519KeyPair()
      const theirs = pureJsCrypto.generateX25519KeyPair()
      assert.equal(ours.privateKey.byteLength, 32)
      assert.equal(ours.publicKey.byteLength, 32)
      const a = fastNoiseCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)
      const b = pureJsCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey)
      const c = fastNoiseCrypto.generateX25519SharedKey(new Uint8ArrayList(ours.privateKey), new Uint8ArrayList(theirs.publicKey.subarray(0, 10), theirs.publicKey.subarray(10)))
      assert.deepEqual(Buffer.from(a), Buffer.from(b))
      assert.deepEqual(Buffer.from(c), Buffer.from(b))
    }
  })

  it('refuses a tampered ciphertext', () => {
    const k = randomBytes(32)
    const nonce = randomBytes(12)
    const ct = Buffer.from(fastNoiseCrypto.chaCha20Poly1305Encrypt(randomBytes(2000), nonce, new Uint8Array(0), k) as Uint8Array)
    ct[5] ^= 1
    assert.throws(() => fastNoiseCrypto.chaCha20Poly1305Decrypt(ct, nonce, new Uint8Array(0), k))
  })

  it('interoperates with the default noise crypto over TCP', async () => {
    const a = await createStoqNode({ noiseFix: true })
    const b = await createStoqNode()
    nodes.push(a, b)
    const dir = await mkdtemp(join(tmpdir(), 'hm-noise-'))
    await writeFile(join(dir, 'f'), randomBytes(4 * MIN_CHUNK_SIZE))
    const packed = await pack(join(dir, 'f'), a.store, { chunkSize: MIN_CHUNK_SIZE })
    const r = await b.stoq.fetch(packed.root, { providers: [a.addr('tcp')] })
    assert.equal(r.fetchedChunks, 4)
  })
})
