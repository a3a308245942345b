import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { varint } from 'multiformats'
import { BlockReader } from '../../src/transfer/block-reader.ts'
import { encodeFrame, MSG_BLOCK, MSG_ERROR, MSG_GET } from '../../src/transfer/wire.ts'
import type { Message } from '../../src/transfer/wire.ts'
import { MAX_FRAME_BYTES } from '../../src/transfer/constants.ts'

async function * pieces (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function readAll (source: AsyncIterable<Uint8Array>, targets: Map<number, Uint8Array>): Promise<Message[]> {
  const out: Message[] = []
  const reader = new BlockReader((id, length) => targets.get(id)?.length === length ? targets.get(id) : undefined)
  for await (const piece of source) reader.push(piece, m => { out.push(m) })
  reader.end()
  return out
}

function plain (m: Message): unknown {
  if (m.t === MSG_BLOCK) return { t: m.t, id: m.id, data: Buffer.concat(m.data).toString('hex') }
  if (m.t === MSG_GET) return { ...m, cid: Buffer.from(m.cid).toString('hex') }
  return m
}

describe('BlockReader', () => {
  const block = randomBytes(3000)
  const messages: Message[] = [
    { t: MSG_GET, id: 0, cid: randomBytes(36) },
    { t: MSG_BLOCK, id: 7, data: [block] },
    { t: MSG_ERROR, id: 8, code: 1, msg: 'not here' },
    { t: MSG_BLOCK, id: 9, data: [block.subarray(0, 5)] },
    { t: MSG_BLOCK, id: 10, data: [] }
  ]
  const stream = Buffer.concat(messages.flatMap(m => encodeFrame(m)))

  it('decodes the same messages however the stream is cut, copying blocks into their targets', async () => {
    for (const size of [1, 2, 3, 7, 64, 1000, 2999, stream.length]) {
      const target = new Uint8Array(block.length)
      const got = await readAll(pieces(stream, size), new Map([[7, target]]))
      assert.deepEqual(got.map(plain), messages.map(plain), `cut every ${size} bytes`)
      const first = got[1]
      assert.ok(first.t === MSG_BLOCK)
      // a block that did not arrive whole landed in the buffer lent for it
      if (size < stream.length) assert.equal(first.data[0], target)
    }
  })

  it('refuses an oversize frame before buffering it, and a stream that ends inside a frame', async () => {
    const huge = new Uint8Array(8)
    varint.encodeTo(MAX_FRAME_BYTES + 1, huge, 0)
    await assert.rejects(readAll(pieces(huge, 8), new Map()), { name: 'ProtocolViolationError' })
    await assert.rejects(readAll(pieces(stream.subarray(0, stream.length - 1), 100), new Map()), { name: 'ProtocolViolationError' })
  })

  it('refuses a non-BLOCK message with a payload', async () => {
    const frame = Buffer.concat(encodeFrame({ t: MSG_ERROR, id: 1, code: 1 }))
    // the same header, announced with 100 payload bytes more
    const [length, lengthBytes] = varint.decode(frame)
    const prefix = new Uint8Array(varint.encodingLength(length + 100))
    varint.encodeTo(length + 100, prefix, 0)
    const bad = Buffer.concat([prefix, frame.subarray(lengthBytes), randomBytes(100)])
    await assert.rejects(readAll(pieces(bad, 4), new Map()), { name: 'ProtocolViolationError' })
  })
})
