import { encode, decode } from 'cborg'
import { varint } from 'multiformats'
import { MAX_HEADER_BYTES } from './constants.ts'
import { ProtocolViolationError } from './errors.ts'

/**
 * STOQ frames (protocols/stoq/SPEC.md, "Framing"):
 *
 *   frame  = uvarint(len(body)) body
 *   body   = uvarint(len(header)) header payload
 *   header = deterministic CBOR map
 *
 * The payload (a block's bytes) sits outside the CBOR so neither side copies it through a
 * CBOR encoder; it is empty except in BLOCK responses.
 */

export const MSG_GET = 0
export const MSG_BLOCK = 1
export const MSG_ERROR = 2

export type Message =
  /** `ack`: how many answers the getter has received whole on this stream (see SPEC.md, "Buffer reuse"). */
  | { t: typeof MSG_GET, id: number, cid: Uint8Array, ack?: number }
  | { t: typeof MSG_BLOCK, id: number, data: Uint8Array[] }
  | { t: typeof MSG_ERROR, id: number, code: number, msg?: string }

/** Encodes a message as the parts to send in order (the payload is passed through uncopied). */
export function encodeFrame (msg: Message): Uint8Array[] {
  const header = msg.t === MSG_BLOCK
    ? encode({ t: msg.t, id: msg.id })
    : msg.t === MSG_GET ? encode(msg.ack === undefined ? { t: msg.t, id: msg.id, cid: msg.cid } : { t: msg.t, id: msg.id, cid: msg.cid, ack: msg.ack }) : encode(msg.msg === undefined ? { t: msg.t, id: msg.id, code: msg.code } : { t: msg.t, id: msg.id, code: msg.code, msg: msg.msg })
  const payload = msg.t === MSG_BLOCK ? msg.data.filter(p => p.length > 0) : []
  let payloadLength = 0
  for (const p of payload) payloadLength += p.length
  const bodyLength = varint.encodingLength(header.length) + header.length + payloadLength
  const prefix = new Uint8Array(varint.encodingLength(bodyLength) + varint.encodingLength(header.length) + header.length)
  varint.encodeTo(bodyLength, prefix, 0)
  const off = varint.encodingLength(bodyLength)
  varint.encodeTo(header.length, prefix, off)
  prefix.set(header, off + varint.encodingLength(header.length))
  return [prefix, ...payload]
}

/** A frame body as it comes off the stream: one array, or a list of pieces (Uint8ArrayList). */
export type FrameBody = Uint8Array | { byteLength: number, subarray: (start?: number, end?: number) => Uint8Array, sublist: (start?: number, end?: number) => Iterable<Uint8Array> }

/** Longest uvarint we accept for the header length (MAX_HEADER_BYTES needs 2 bytes). */
const MAX_VARINT_BYTES = 9

/**
 * Decodes a frame body (without its length prefix). A BLOCK payload is returned as the pieces it
 * arrived in, so a 1 MiB chunk is hashed and written without first being joined into one array.
 */
export function decodeBody (body: FrameBody): Message {
  let headerLength: number
  let off: number
  try {
    [headerLength, off] = varint.decode(body.subarray(0, Math.min(MAX_VARINT_BYTES, body.byteLength)))
  } catch {
    throw new ProtocolViolationError('bad header length')
  }
  if (headerLength > MAX_HEADER_BYTES || off + headerLength > body.byteLength) throw new ProtocolViolationError(`bad header length ${headerLength}`)
  let h: any
  try {
    h = decode(body.subarray(off, off + headerLength), { strict: true, rejectDuplicateMapKeys: true, useMaps: false })
  } catch (err: any) {
    throw new ProtocolViolationError(`header is not CBOR: ${err.message}`)
  }
  const payloadStart = off + headerLength
  const payloadLength = body.byteLength - payloadStart
  if (h === null || typeof h !== 'object' || !Number.isSafeInteger(h.id) || h.id < 0) throw new ProtocolViolationError('header without a valid id')
  if (h.t === MSG_GET && h.cid instanceof Uint8Array && payloadLength === 0) {
    if (h.ack === undefined) return { t: MSG_GET, id: h.id, cid: h.cid }
    if (!Number.isSafeInteger(h.ack) || h.ack < 0) throw new ProtocolViolationError('GET with a bad ack')
    return { t: MSG_GET, id: h.id, cid: h.cid, ack: h.ack }
  }
  if (h.t === MSG_BLOCK) {
    const data = body instanceof Uint8Array ? [body.subarray(payloadStart)] : [...body.sublist(payloadStart)]
    return { t: MSG_BLOCK, id: h.id, data }
  }
  if (h.t === MSG_ERROR && Number.isSafeInteger(h.code) && payloadLength === 0) {
    return typeof h.msg === 'string' ? { t: MSG_ERROR, id: h.id, code: h.code, msg: h.msg } : { t: MSG_ERROR, id: h.id, code: h.code }
  }
  throw new ProtocolViolationError(`unknown or malformed message type ${String(h.t)}`)
}
