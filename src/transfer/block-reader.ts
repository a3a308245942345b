import { varint } from 'multiformats'
import { MAX_FRAME_BYTES, MAX_HEADER_BYTES } from './constants.ts'
import { ProtocolViolationError } from './errors.ts'
import { MSG_BLOCK, decodeBody } from './wire.ts'
import type { Message } from './wire.ts'

/** Longest uvarint of a frame or header length we wait for (MAX_FRAME_BYTES needs 4 bytes). */
const MAX_LENGTH_BYTES = 5

/** Gives the buffer a BLOCK answer to request `id` of `length` bytes is copied into, or undefined for a new one. */
export type BlockTarget = (id: number, length: number) => Uint8Array | undefined

/**
 * Parses frames as `readMessages` does, but copies a BLOCK's payload into the buffer `target`
 * names for it as the payload arrives, instead of keeping every piece the transport delivered
 * (QUIC: 4 KiB each) until the whole block is there. Those pieces then die young: keeping them
 * for the milliseconds a 1 MiB block takes to arrive got them copied by the young-generation
 * collector and promoted, and the getter spent as much time collecting garbage as decrypting.
 * A frame that arrived whole is decoded in place without a copy.
 *
 * Pieces are pushed in as the stream delivers them (its 'message' event), not pulled through
 * the stream's async iterator: the iterator queues pieces until the consumer's next turn, and on
 * a busy machine they waited there long enough to be promoted (a getter ran a mark-compact
 * every few MiB while sharing two cores with its providers).
 */
export class BlockReader {
  private readonly target: BlockTarget
  private head: Uint8Array = new Uint8Array(0)
  /** The block being filled, while its payload streams in. */
  private block: { id: number, out: Uint8Array, filled: number } | undefined

  constructor (target: BlockTarget) {
    this.target = target
  }

  /** Parses what the transport delivered, handing each whole message to `onMessage`. Throws ProtocolViolationError. */
  push (piece: Uint8Array | Iterable<Uint8Array>, onMessage: (msg: Message) => void): void {
    for (const buf of piece instanceof Uint8Array ? [piece] : piece) {
      let off = 0
      while (off < buf.length) {
        const block = this.block
        if (block !== undefined) {
          const n = Math.min(block.out.length - block.filled, buf.length - off)
          block.out.set(buf.subarray(off, off + n), block.filled)
          block.filled += n
          off += n
          if (block.filled === block.out.length) {
            this.block = undefined
            onMessage({ t: MSG_BLOCK, id: block.id, data: [block.out] })
          }
          continue
        }
        // a frame's prefix and header (≤ MAX_HEADER_BYTES + a few) are gathered in `head`
        this.head = this.head.length === 0 ? buf.subarray(off) : Buffer.concat([this.head, buf.subarray(off)])
        off = buf.length
        for (;;) {
          const frame = parseHead(this.head, this.target)
          if (frame === undefined) break
          this.head = this.head.subarray(frame.consumed)
          if (frame.message !== undefined) {
            onMessage(frame.message)
            continue
          }
          this.block = frame.block
          break
        }
        // keep what is left of `head` in its own small array, not a view pinning a big piece
        if (this.head.length > 0 && this.head.buffer.byteLength > MAX_HEADER_BYTES * 4) this.head = Uint8Array.from(this.head)
      }
    }
  }

  /** Throws when the stream ended inside a frame. */
  end (): void {
    if (this.block !== undefined || this.head.length > 0) throw new ProtocolViolationError('the stream ended inside a frame')
  }
}

interface Parsed {
  consumed: number
  message?: Message
  block?: { id: number, out: Uint8Array, filled: number }
}

/** One frame (or the start of a BLOCK frame) from the front of `head`, or undefined when more bytes are needed. */
function parseHead (head: Uint8Array, target: BlockTarget): Parsed | undefined {
  const bodyLength = readLength(head, 0)
  if (bodyLength === undefined) return undefined
  const [length, lengthBytes] = bodyLength
  if (length > MAX_FRAME_BYTES) throw new ProtocolViolationError(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`)
  if (head.length >= lengthBytes + length) {
    return { consumed: lengthBytes + length, message: decodeBody(head.subarray(lengthBytes, lengthBytes + length)) }
  }
  const headerLength = readLength(head, lengthBytes)
  if (headerLength === undefined) return undefined
  const [hLength, hBytes] = headerLength
  if (hLength > MAX_HEADER_BYTES || hBytes + hLength > length) throw new ProtocolViolationError(`bad header length ${hLength}`)
  const headerEnd = lengthBytes + hBytes + hLength
  if (head.length < headerEnd) return undefined
  const header = decodeBody(head.subarray(lengthBytes, headerEnd))
  // only a BLOCK carries a payload; anything else is decoded whole, above, once it is all here
  if (header.t !== MSG_BLOCK) throw new ProtocolViolationError(`message type ${header.t} with a payload`)
  const payloadLength = length - hBytes - hLength
  const out = target(header.id, payloadLength) ?? new Uint8Array(payloadLength)
  if (out.length !== payloadLength) throw new ProtocolViolationError('block target of the wrong length')
  const already = head.subarray(headerEnd)
  out.set(already, 0)
  return { consumed: head.length, block: { id: header.id, out, filled: already.length } }
}

/** A uvarint at `offset` and its byte count, or undefined when it is not complete yet. */
function readLength (bytes: Uint8Array, offset: number): [number, number] | undefined {
  const end = Math.min(bytes.length, offset + MAX_LENGTH_BYTES)
  let complete = false
  for (let i = offset; i < end; i++) {
    if ((bytes[i] & 0x80) === 0) { complete = true; break }
  }
  if (!complete) {
    if (end - offset >= MAX_LENGTH_BYTES) throw new ProtocolViolationError('frame length too long')
    return undefined
  }
  try {
    return varint.decode(bytes, offset)
  } catch {
    throw new ProtocolViolationError('bad frame length')
  }
}
