import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { multiaddrConnectionPair } from '@libp2p/utils'
import type { ConnectionEncrypter, MultiaddrConnection } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { fastNoise, fastNoiseCrypto, NoiseMessageError } from '../../src/transfer/index.ts'
import { openMessage, sealMessages } from '../../src/transfer/noise-framing.ts'

/** A Noise session's cipher state for one direction: fixed key, a nonce counted up on each success, as noise keeps it. */
function session (): { encrypt: (p: any) => any, decrypt: (c: any) => any } {
  const k = randomBytes(32)
  const ad = new Uint8Array(0)
  let sent = 0
  let opened = 0
  const nonce = (n: number): Uint8Array => { const b = Buffer.alloc(12); b.writeUInt32LE(n, 4); return b }
  return {
    encrypt: (p) => fastNoiseCrypto.chaCha20Poly1305Encrypt(p, nonce(sent++), ad, k),
    decrypt: (c) => { const out = fastNoiseCrypto.chaCha20Poly1305Decrypt(c, nonce(opened), ad, k); opened++; return out }
  }
}

/** Splits sealed bytes at their length prefixes, as the peer's decoder does. */
function messages (sealed: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let off = 0; off < sealed.length;) {
    const n = sealed[off] * 256 + sealed[off + 1]
    out.push(sealed.subarray(off + 2, off + 2 + n))
    off += 2 + n
  }
  return out
}

const bytesOf = (data: Uint8Array | Uint8ArrayList): Buffer => Buffer.from(data instanceof Uint8Array ? data : data.subarray())

/** Secures both ends of an in-memory connection pair, `a` as the initiator. */
async function secure (a: ConnectionEncrypter, b: ConnectionEncrypter): Promise<[any, any, MultiaddrConnection]> {
  const [outbound, inbound] = multiaddrConnectionPair()
  const [x, y] = await Promise.all([a.secureOutbound(outbound, { skipStreamMuxerNegotiation: true }), b.secureInbound(inbound, { skipStreamMuxerNegotiation: true })])
  return [x.connection, y.connection, outbound]
}

async function encrypter (make: (components: any) => ConnectionEncrypter): Promise<ConnectionEncrypter> {
  return make({ privateKey: await generateKeyPair('Ed25519'), logger: defaultLogger() })
}

/** Sends `payloads` from `from` and resolves with what `to` received, joined. */
async function carry (from: any, to: any, payloads: Uint8Array[]): Promise<Buffer> {
  const want = payloads.reduce((n, p) => n + p.length, 0)
  const got: Buffer[] = []
  let have = 0
  const done = new Promise<void>(resolve => {
    to.addEventListener('message', (evt: any) => {
      got.push(bytesOf(evt.data))
      have += evt.data.byteLength
      if (have >= want) resolve()
    })
  })
  for (const p of payloads) from.send(p)
  await done
  return Buffer.concat(got)
}

describe('fastNoise framing', () => {
  it('seals a small write as one buffer that opens to the plaintext', () => {
    const s = session()
    const plain = randomBytes(12)
    const sealed = sealMessages(s, new Uint8ArrayList(plain.subarray(0, 5), plain.subarray(5)))
    // prefix, ciphertext and tag in one piece: one socket write, not three
    assert.ok(sealed instanceof Uint8Array)
    assert.equal(sealed.length, 2 + 12 + 16)
    const [m] = messages(sealed)
    assert.deepEqual(bytesOf(openMessage(s, m)), plain)
  })

  it('splits a large write into Noise messages of at most 65535 bytes that open in order, in pieces too', () => {
    const s = session()
    const plain = randomBytes(200_000)
    const sealed = sealMessages(s, new Uint8ArrayList(plain.subarray(0, 12), plain.subarray(12, 70_000), plain.subarray(70_000)))
    const whole = bytesOf(sealed)
    const ms = messages(whole)
    assert.equal(ms.length, Math.ceil(200_000 / 65519))
    assert.ok(ms.every(m => m.length <= 65535))
    const opened = ms.map((m, i) => {
      // a message that spans two reads arrives as a list of pieces
      const cut = Math.floor(m.length / 3) + i
      return bytesOf(openMessage(s, new Uint8ArrayList(m.subarray(0, cut), m.subarray(cut))))
    })
    assert.deepEqual(Buffer.concat(opened), plain)
  })

  it('refuses a message too short for its tag, and a tampered one', () => {
    const s = session()
    assert.throws(() => openMessage(s, new Uint8Array(10)), NoiseMessageError)
    const plain = randomBytes(100)
    const [m] = messages(bytesOf(sealMessages(s, plain)))
    const tampered = Buffer.from(m)
    tampered[3] ^= 1
    assert.throws(() => openMessage(s, tampered))
    // the same message untouched opens: it was the flipped bit that was refused
    assert.deepEqual(bytesOf(openMessage(s, m)), plain)
  })

  for (const [name, initiator, responder] of [['fast → stock', fastNoise(), noise()], ['stock → fast', noise(), fastNoise()]] as const) {
    it(`interoperates with stock Noise (${name}), both ways, small and large writes`, async () => {
      const [a, b] = await secure(await encrypter(initiator), await encrypter(responder))
      const small = [randomBytes(1), randomBytes(12), randomBytes(4095)]
      const large = [randomBytes(1 << 20), randomBytes(70_000)]
      assert.deepEqual(await carry(a, b, [...small, ...large]), Buffer.concat([...small, ...large]))
      assert.deepEqual(await carry(b, a, [...large, ...small]), Buffer.concat([...large, ...small]))
      await Promise.all([a.close(), b.close()])
    })
  }

  it('replaces the stock framing on the connections it secures (one transport write per small message)', async () => {
    const [a, b, transport] = await secure(await encrypter(fastNoise()), await encrypter(noise()))
    const writes: Array<Uint8Array | Uint8ArrayList> = []
    const send = transport.send.bind(transport)
    transport.send = (data: any) => { writes.push(data); return send(data) }
    assert.deepEqual(await carry(a, b, [Buffer.from('hello')]), Buffer.from('hello'))
    assert.equal(writes.length, 1)
    assert.ok(writes[0] instanceof Uint8Array, 'a small message is written as one buffer')
    assert.equal(writes[0].byteLength, 2 + 5 + 16)
    await Promise.all([a.close(), b.close()])
  })
})
