import { MalformedTrustDataError } from './errors.ts'

/**
 * The few DER pieces our private extensions and the CRL number need: SEQUENCE, UTF8String and
 * INTEGER. Decoding is strict (definite, minimal lengths; no trailing bytes) because a lenient
 * parser gives two encodings for one value, and extension bytes are signed.
 */

export const TAG_INTEGER = 0x02
export const TAG_BIT_STRING = 0x03
export const TAG_OCTET_STRING = 0x04
export const TAG_UTF8_STRING = 0x0c
export const TAG_SEQUENCE = 0x30

/** Longest length we accept in a private extension: far above any scope, far below memory trouble. */
const MAX_DER_LENGTH = 64 * 1024

export interface DerNode {
  tag: number
  value: Uint8Array
}

function encodeLength (length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length)
  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}

export function encodeTlv (tag: number, value: Uint8Array): Uint8Array {
  const length = encodeLength(value.length)
  const out = new Uint8Array(1 + length.length + value.length)
  out[0] = tag
  out.set(length, 1)
  out.set(value, 1 + length.length)
  return out
}

export function encodeSequence (items: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG_SEQUENCE, Buffer.concat(items))
}

export function encodeUtf8String (value: string): Uint8Array {
  return encodeTlv(TAG_UTF8_STRING, new TextEncoder().encode(value))
}

/** A non-negative INTEGER in minimal two's complement form. */
export function encodeInteger (value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('negative INTEGER')
  let hex = value.toString(16)
  if (hex.length % 2 === 1) hex = '0' + hex
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex
  return encodeTlv(TAG_INTEGER, Buffer.from(hex, 'hex'))
}

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function decodeTlv (bytes: Uint8Array, offset = 0, maxLength = MAX_DER_LENGTH): { node: DerNode, end: number } {
  const fail = (why: string): never => { throw new MalformedTrustDataError(`DER: ${why} at offset ${offset}`) }
  if (offset + 2 > bytes.length) fail('truncated header')
  const tag = bytes[offset]
  let length = bytes[offset + 1]
  let pos = offset + 2
  if (length >= 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 3) fail('unsupported length form')
    if (pos + count > bytes.length) fail('truncated length')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos + i]
    if (bytes[pos] === 0 || length < 0x80) fail('non-minimal length')
    pos += count
  }
  if (length > maxLength) fail('value too long')
  if (pos + length > bytes.length) fail('truncated value')
  return { node: { tag, value: bytes.subarray(pos, pos + length) }, end: pos + length }
}

/** Decodes exactly one TLV with the expected tag and no trailing bytes. */
export function decodeOne (bytes: Uint8Array, tag: number): Uint8Array {
  const { node, end } = decodeTlv(bytes)
  if (node.tag !== tag) throw new MalformedTrustDataError(`DER: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`)
  if (end !== bytes.length) throw new MalformedTrustDataError('DER: trailing bytes')
  return node.value
}

/** The children of a SEQUENCE's content octets. */
export function decodeChildren (content: Uint8Array): DerNode[] {
  const nodes: DerNode[] = []
  for (let offset = 0; offset < content.length;) {
    const { node, end } = decodeTlv(content, offset)
    nodes.push(node)
    offset = end
  }
  return nodes
}

export function decodeUtf8 (node: DerNode): string {
  if (node.tag !== TAG_UTF8_STRING) throw new MalformedTrustDataError('DER: expected UTF8String')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(node.value)
  } catch (cause) {
    throw new MalformedTrustDataError('DER: UTF8String is not UTF-8', { cause })
  }
}

export function decodeInteger (bytes: Uint8Array): bigint {
  const value = decodeOne(bytes, TAG_INTEGER)
  if (value.length === 0 || (value[0] & 0x80) !== 0) throw new MalformedTrustDataError('DER: expected a non-negative INTEGER')
  if (value.length > 1 && value[0] === 0 && (value[1] & 0x80) === 0) throw new MalformedTrustDataError('DER: non-minimal INTEGER')
  return BigInt('0x' + Buffer.from(value).toString('hex'))
}

/** Content of the Ed25519 AlgorithmIdentifier: OID 1.3.101.112 and no parameters (RFC 8410). */
const ED25519_ALGORITHM_CONTENT = Buffer.from('06032b6570', 'hex')

/**
 * Checks the outer frame of a signed X.509 object (certificate or CRL): one SEQUENCE of exactly
 * three elements (to-be-signed SEQUENCE, the Ed25519 algorithm identifier, a whole-byte signature
 * BIT STRING) filling it with no slack. The ASN.1 library is lenient about outer lengths and tags,
 * and these bytes are not covered by the signature, so leniency here would let them be altered.
 */
export function assertSignedFrame (bytes: Uint8Array, maxLength: number): void {
  const { node, end } = decodeTlv(bytes, 0, maxLength)
  if (node.tag !== TAG_SEQUENCE || end !== bytes.length) throw new MalformedTrustDataError('DER: not exactly one SEQUENCE')
  const parts: DerNode[] = []
  for (let offset = 0; offset < node.value.length;) {
    const next = decodeTlv(node.value, offset, maxLength)
    parts.push(next.node)
    offset = next.end
  }
  if (parts.length !== 3) throw new MalformedTrustDataError(`DER: a signed object has 3 parts, found ${parts.length}`)
  if (parts[0].tag !== TAG_SEQUENCE) throw new MalformedTrustDataError('DER: the signed part is not a SEQUENCE')
  // the outer algorithm lies outside the signed bytes, so it must be exactly Ed25519's identifier
  if (parts[1].tag !== TAG_SEQUENCE || Buffer.compare(Buffer.from(parts[1].value), ED25519_ALGORITHM_CONTENT) !== 0) {
    throw new MalformedTrustDataError('DER: the signature algorithm is not exactly Ed25519')
  }
  // the signature BIT STRING must use whole bytes: a non-zero unused-bits count is ignored by
  // the library when it extracts the signature, so it would be a free byte to alter
  const signature = parts[2]
  if (signature.tag !== TAG_BIT_STRING || signature.value.length === 0 || signature.value[0] !== 0) throw new MalformedTrustDataError('DER: signature is not a whole-byte BIT STRING')
}
