import semver from 'semver'
import { z } from 'zod'
import { CAPABILITIES, JSON_CODEC, RAW_CODEC, manifestSchema, tryParseCid, isHyperMeshCid } from '../package/index.ts'
import { canonicalJsonBytes, parseEnvelope } from '../trust/index.ts'
import type { Envelope } from '../trust/index.ts'
import {
  MAX_LABEL_LENGTH, MAX_RECORD_BYTES, MAX_RECORD_VERSIONS, RECORD_NAMESPACE, RECORD_PAYLOAD_TYPE, RECORD_TYPE
} from './constants.ts'
import { InvalidPackageNameError, MalformedRecordError, RecordTooLargeError } from './errors.ts'

/**
 * The registry record (protocols/registry/SPEC.md, "Record"): what one publisher says about one
 * package name, signed as a DSSE envelope. This file only encodes and decodes; whether a record
 * is trustworthy is decided by verify-record.ts.
 */

const packageName = manifestSchema.shape.id
const manifestCidString = z.string().refine(s => {
  const cid = tryParseCid(s)
  return cid !== undefined && isHyperMeshCid(cid) && cid.code === JSON_CODEC && cid.toString() === s
}, 'a base32 CIDv1(json, blake3): the manifest digest')
/** Milliseconds-precision UTC, the one spelling `Date.toISOString` gives, so the canonical bytes are unique. */
const timestamp = z.string().refine(s => {
  const d = new Date(s)
  return !Number.isNaN(d.getTime()) && d.toISOString() === s
}, 'an ISO 8601 UTC timestamp as Date.toISOString() writes it')
const label = z.string().min(1).max(MAX_LABEL_LENGTH)

export const recordVersionSchema = z.strictObject({
  version: z.string().refine(v => semver.valid(v) === v, 'a semantic version'),
  /** The manifest digest (`manifestDigest`): binds every byte of the package. */
  manifest: manifestCidString,
  /** The manifest's `content.root`, so providers can be looked up before the manifest is fetched. */
  root: manifestSchema.shape.content.shape.root,
  size: manifestSchema.shape.content.shape.size,
  /** The manifest's human name. */
  title: z.string().min(1).max(256),
  category: label,
  assets: z.array(label).max(16),
  capabilities: z.array(z.enum(CAPABILITIES)),
  published: timestamp,
  /**
   * The consensus proof of `publish`: the CID of the bundle's bytes as a raw BLAKE3 block, which
   * the publisher serves over STOQ; fetched and verified at fetch/install time when the mesh
   * requires proofs (SPEC.md, "Publish proof").
   */
  proof: z.string().min(1).max(MAX_LABEL_LENGTH).refine(isProofCid, 'not a raw BLAKE3 CID').optional()
})

export const recordBodySchema = z.strictObject({
  type: z.literal(RECORD_TYPE),
  name: packageName,
  /** Raised by every re-signing (new version or republish); validators refuse anything older than seen. */
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  issued: timestamp,
  expires: timestamp,
  versions: z.array(recordVersionSchema).min(1).max(MAX_RECORD_VERSIONS)
}).superRefine((r, ctx) => {
  for (let i = 1; i < r.versions.length; i++) {
    if (semver.compare(r.versions[i - 1].version, r.versions[i].version) >= 0) {
      ctx.addIssue({ code: 'custom', message: 'versions must be strictly ascending', path: ['versions', i, 'version'] })
    }
  }
  if (new Date(r.expires) <= new Date(r.issued)) ctx.addIssue({ code: 'custom', message: 'expires must lie after issued', path: ['expires'] })
})

export type RecordVersion = z.infer<typeof recordVersionSchema>
export type RecordBody = z.infer<typeof recordBodySchema>

/** A decoded (not yet verified) record: the envelope, its body and the exact DHT value bytes. */
export interface DecodedRecord {
  body: RecordBody
  envelope: Envelope
  /** The body's canonical bytes (the signed payload). */
  payload: Uint8Array
  /** The DHT value. */
  bytes: Uint8Array
}

/** `/hmpkg/<name>` as DHT key bytes. */
export function recordKey (name: string): Uint8Array {
  if (!packageName.safeParse(name).success) throw new InvalidPackageNameError(name)
  return new TextEncoder().encode(`/${RECORD_NAMESPACE}/${name}`)
}

/** The package name in a `/hmpkg/<name>` key, or InvalidPackageNameError. */
export function nameFromKey (key: Uint8Array): string {
  const text = new TextDecoder().decode(key)
  const prefix = `/${RECORD_NAMESPACE}/`
  const name = text.startsWith(prefix) ? text.slice(prefix.length) : ''
  if (!packageName.safeParse(name).success) throw new InvalidPackageNameError(text)
  return name
}

export function isPackageName (name: string): boolean {
  return packageName.safeParse(name).success
}

/** Validates a record body and returns its canonical bytes (what is signed). */
export function encodeRecordBody (body: RecordBody): Uint8Array {
  const parsed = recordBodySchema.safeParse(body)
  if (!parsed.success) throw new MalformedRecordError(`invalid record body: ${issues(parsed.error)}`)
  return canonicalJsonBytes(parsed.data)
}

/** The DHT value of a signed record: the envelope's canonical JSON. */
export function encodeRecordEnvelope (envelope: Envelope): Uint8Array {
  const bytes = canonicalJsonBytes(envelope)
  if (bytes.length > MAX_RECORD_BYTES) throw new RecordTooLargeError(`record is ${bytes.length} bytes, the limit is ${MAX_RECORD_BYTES}`)
  return bytes
}

/**
 * Decodes a DHT value: size first (before any parsing), then JSON, envelope schema, payload type,
 * body schema, and canonical form of both body and envelope, so one record has one byte string.
 */
export function decodeRecord (bytes: Uint8Array): DecodedRecord {
  if (bytes.length > MAX_RECORD_BYTES) throw new RecordTooLargeError(`record is ${bytes.length} bytes, the limit is ${MAX_RECORD_BYTES}`)
  let envelope: Envelope
  try {
    envelope = parseEnvelope(parseJson(bytes, 'envelope'))
  } catch (err: any) {
    if (err.name === 'MalformedRecordError') throw err
    throw new MalformedRecordError(err.message, { cause: err })
  }
  if (envelope.payloadType !== RECORD_PAYLOAD_TYPE) throw new MalformedRecordError(`payload type ${envelope.payloadType} is not ${RECORD_PAYLOAD_TYPE}`)
  if (Buffer.compare(canonicalJsonBytes(envelope), bytes) !== 0) throw new MalformedRecordError('envelope is not in canonical form')
  const payload = new Uint8Array(Buffer.from(envelope.payload, 'base64'))
  const parsed = recordBodySchema.safeParse(parseJson(payload, 'record body'))
  if (!parsed.success) throw new MalformedRecordError(`invalid record body: ${issues(parsed.error)}`)
  if (Buffer.compare(canonicalJsonBytes(parsed.data), payload) !== 0) throw new MalformedRecordError('record body is not in canonical form')
  return { body: parsed.data, envelope, payload, bytes }
}

/** The sequence of a record without verifying it, for the selector; undefined when it does not decode. */
export function peekSequence (bytes: Uint8Array): { sequence: number, expires: string } | undefined {
  try {
    const { body } = decodeRecord(bytes)
    return { sequence: body.sequence, expires: body.expires }
  } catch {
    return undefined
  }
}

function parseJson (bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err: any) {
    throw new MalformedRecordError(`${what} is not UTF-8 JSON: ${err.message}`)
  }
}

function issues (error: z.ZodError): string {
  return error.issues.map(i => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
}

/** A publish proof reference: a CIDv1 raw BLAKE3 block. */
function isProofCid (text: string): boolean {
  const cid = tryParseCid(text)
  return cid !== undefined && isHyperMeshCid(cid) && cid.code === RAW_CODEC && cid.toString() === text
}
