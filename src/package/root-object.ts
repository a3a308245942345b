import { encode, decode } from 'cborg'
import { HyperMeshError } from '../util/errors.ts'
import { BLAKE3_LENGTH, CBOR_CODEC, RAW_CODEC, cidFromHash, cidOf } from './content-id.ts'
import type { CID } from './content-id.ts'
import { MIN_CHUNK_SIZE, MAX_CHUNK_SIZE } from './manifest.ts'

/**
 * The root object: what a content root CID names (protocols/stoq/SPEC.md, "Root object").
 * It commits to the total size, the chunk size and every chunk's BLAKE3 hash, so a getter
 * that has verified it knows exactly how many bytes to expect and how to check each chunk.
 *
 *   { "v": 1, "size": uint, "chunk": uint, "hashes": bytes(32 × ceil(size / chunk)) }
 *
 * encoded as deterministic CBOR (RFC 8949 §4.2.1 core deterministic encoding: shortest
 * integers, definite lengths, map keys sorted by length then bytes), named by CIDv1(cbor 0x51).
 * Chunk i is CIDv1(raw 0x55, blake3 multihash of hashes[32i..32i+32]).
 */

/** The root object format version this code writes and reads. */
export const ROOT_OBJECT_VERSION = 1
/**
 * Largest encoded root object: it travels as one STOQ block, so it shares the block limit.
 * At 1 MiB chunks that allows ~131 000 chunks, i.e. ~128 GiB of content.
 */
export const MAX_ROOT_OBJECT_BYTES = MAX_CHUNK_SIZE

export interface RootObject {
  size: number
  chunkSize: number
  /** The chunks' BLAKE3 hashes, 32 bytes each, in order. */
  hashes: Uint8Array
}

/** The root object is malformed, or promises more than the caller allows. */
export class InvalidRootObjectError extends HyperMeshError {
  constructor (message: string) {
    super(`invalid root object: ${message}`, { hint: 'the provider sent a bad chunk list; it is dropped and another is asked' })
  }
}

export function chunkCount (size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize)
}

export function encodeRootObject (obj: RootObject): Uint8Array {
  return encode({ v: ROOT_OBJECT_VERSION, size: obj.size, chunk: obj.chunkSize, hashes: obj.hashes })
}

export function rootCidOf (bytes: Uint8Array): CID {
  return cidOf(CBOR_CODEC, bytes)
}

export function chunkCidAt (obj: RootObject, index: number): CID {
  return cidFromHash(RAW_CODEC, obj.hashes.subarray(index * BLAKE3_LENGTH, (index + 1) * BLAKE3_LENGTH))
}

/** Byte length of chunk `index` (the last one may be short). */
export function chunkLength (obj: RootObject, index: number): number {
  return Math.min(obj.chunkSize, obj.size - index * obj.chunkSize)
}

export interface DecodeRootOptions {
  /** Refuse a root that promises more bytes than this (e.g. the manifest's content.size). */
  maxSize?: number
}

/**
 * Decodes and checks a root object: canonical encoding, known version, chunk size in range,
 * and exactly ceil(size / chunk) hashes, so a chunk list can never promise more data than the
 * size it commits to.
 */
export function decodeRootObject (bytes: Uint8Array, options: DecodeRootOptions = {}): RootObject {
  if (bytes.length > MAX_ROOT_OBJECT_BYTES) throw new InvalidRootObjectError(`${bytes.length} bytes exceeds ${MAX_ROOT_OBJECT_BYTES}`)
  let value: any
  try {
    value = decode(bytes, { strict: true, rejectDuplicateMapKeys: true, useMaps: false })
  } catch (err: any) {
    throw new InvalidRootObjectError(`not deterministic CBOR: ${err.message}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidRootObjectError('not a map')
  const keys = Object.keys(value).sort().join(',')
  if (keys !== 'chunk,hashes,size,v') throw new InvalidRootObjectError(`unexpected fields ${keys}`)
  if (value.v !== ROOT_OBJECT_VERSION) throw new InvalidRootObjectError(`unknown version ${String(value.v)}`)
  const { size, chunk, hashes } = value
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidRootObjectError('size is not a non-negative safe integer')
  if (!Number.isSafeInteger(chunk) || chunk < MIN_CHUNK_SIZE || chunk > MAX_CHUNK_SIZE) throw new InvalidRootObjectError(`chunk size ${String(chunk)} out of range`)
  if (!(hashes instanceof Uint8Array)) throw new InvalidRootObjectError('hashes is not a byte string')
  const expected = chunkCount(size, chunk) * BLAKE3_LENGTH
  if (hashes.length !== expected) throw new InvalidRootObjectError(`chunk list has ${hashes.length / BLAKE3_LENGTH} entries, size ${size} at chunk ${chunk} allows ${expected / BLAKE3_LENGTH}`)
  if (options.maxSize !== undefined && size > options.maxSize) throw new InvalidRootObjectError(`root promises ${size} bytes, at most ${options.maxSize} are allowed`)
  const obj = { size, chunkSize: chunk, hashes }
  if (Buffer.compare(Buffer.from(encodeRootObject(obj)), Buffer.from(bytes)) !== 0) throw new InvalidRootObjectError('encoding is not canonical')
  return obj
}
