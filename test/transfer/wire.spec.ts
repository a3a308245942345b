import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { encode } from 'cborg'
import { varint } from 'multiformats'
import { CID } from '../../src/package/index.ts'
import { encodeFrame, decodeBody, MSG_GET, MSG_BLOCK, MSG_ERROR } from '../../src/transfer/wire.ts'
import type { Message } from '../../src/transfer/wire.ts'

const vectors = JSON.parse(readFileSync(new URL('../../protocols/stoq/vectors/frames.json', import.meta.url), 'utf8'))

function toMessage (m: any): Message {
  if (m.t === MSG_GET) return m.ack === undefined ? { t: MSG_GET, id: m.id, cid: CID.parse(m.cid).bytes } : { t: MSG_GET, id: m.id, cid: CID.parse(m.cid).bytes, ack: m.ack }
  if (m.t === MSG_BLOCK) return { t: MSG_BLOCK, id: m.id, data: [Buffer.from(m.payloadHex, 'hex')] }
  return m.msg === undefined ? { t: MSG_ERROR, id: m.id, code: m.code } : { t: MSG_ERROR, id: m.id, code: m.code, msg: m.msg }
}

/** Strips the frame's length prefix, checking it matches. */
function body (frame: Uint8Array): Uint8Array {
  const [len, off] = varint.decode(frame)
  assert.equal(frame.length - off, len)
  return frame.subarray(off)
}

describe('STOQ wire format', () => {
  for (const v of vectors.frames) {
    it(`encodes and decodes the golden frame "${v.name}"`, () => {
      const msg = toMessage(v.message)
      const frame = Buffer.concat(encodeFrame(msg))
      assert.equal(frame.toString('hex'), v.hex)
      const decoded = decodeBody(body(frame))
      const plain = (m: Message): unknown => ({ ...m, ...(m.t === MSG_BLOCK ? { data: Buffer.concat(m.data) } : {}), ...(m.t === MSG_GET ? { cid: Buffer.from(m.cid) } : {}) })
      assert.deepEqual(plain(decoded), plain(msg))
    })
  }

  it('hands a BLOCK payload over in the pieces it arrived in', () => {
    const frame = Buffer.concat(encodeFrame({ t: MSG_BLOCK, id: 3, data: [Buffer.from('hello '), Buffer.from('world')] }))
    const b = body(frame)
    // a list-shaped body, as it-length-prefixed yields: the header and payload span two pieces
    const pieces = [b.subarray(0, 6), b.subarray(6)]
    const list = {
      byteLength: b.length,
      subarray: (s?: number, e?: number) => Buffer.from(b.subarray(s, e)),
      sublist: (s = 0) => pieces.flatMap((p, i) => { const at = i === 0 ? 0 : pieces[0].length; const from = Math.max(0, s - at); return from < p.length ? [p.subarray(from)] : [] })
    }
    const m = decodeBody(list)
    assert.equal(m.t, MSG_BLOCK)
    if (m.t === MSG_BLOCK) {
      assert.equal(Buffer.concat(m.data).toString(), 'hello world')
      assert.ok(m.data.length >= 1)
    }
  })

  it('ignores unknown header fields (forward compatibility)', () => {
    const header = encode({ t: 2, id: 1, code: 1, future: 'x' })
    const b = Buffer.concat([Uint8Array.of(header.length), header])
    assert.deepEqual(decodeBody(b), { t: 2, id: 1, code: 1 })
  })

  const bad: Array<[string, Uint8Array]> = [
    ['unknown message type', (() => { const h = encode({ t: 9, id: 1 }); return Buffer.concat([Uint8Array.of(h.length), h]) })()],
    ['missing id', (() => { const h = encode({ t: 0, cid: new Uint8Array(4) }); return Buffer.concat([Uint8Array.of(h.length), h]) })()],
    ['header longer than the body', Uint8Array.of(50, 0xa0)],
    ['header not CBOR', Uint8Array.of(1, 0xff)],
    ['GET with a payload', (() => { const h = encode({ t: 0, id: 1, cid: new Uint8Array(4) }); return Buffer.concat([Uint8Array.of(h.length), h, Uint8Array.of(1)]) })()]
  ]
  for (const [what, bytes] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => decodeBody(bytes), { name: 'ProtocolViolationError' })
    })
  }
})
