import semver from 'semver'
import { z } from 'zod'
import { cidOf, JSON_CODEC, tryParseCid, isHyperMeshCid, CBOR_CODEC } from './content-id.ts'
import type { CID } from './content-id.ts'
import { HyperMeshError } from '../util/errors.ts'

/**
 * The package manifest: what a package is (the seed's fields), what it needs from its host, and
 * a commitment to its content (root CID, total size, chunk size, file list).
 *
 * One manifest has exactly one encoding, `canonicalManifestBytes` (canonical JSON, below), and so
 * one digest, `manifestDigest`: the CIDv1 (codec json, BLAKE3) of those bytes. Signatures travel
 * beside the manifest (TrustChain issue) and sign these same bytes; the manifest itself carries
 * no signature so that the digest is stable across re-signing.
 */

/** The capabilities an extension may request (DESIGN.md, "Extensions"). */
export const CAPABILITIES = [
  'AssetManagement', 'ContainerManagement', 'VMExecution', 'NetworkAccess',
  'ConsensusAccess', 'TrustChainAccess', 'TransportAccess', 'ProxyAccess'
] as const
export type Capability = typeof CAPABILITIES[number]

/** Smallest chunk size a manifest may declare: below this, per-request overhead dominates. */
export const MIN_CHUNK_SIZE = 16 * 1024
/** Largest chunk size a manifest may declare: one chunk must fit in one STOQ message. */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024
/** The default chunk size (see protocols/stoq/SPEC.md for why 1 MiB). */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024
/** Largest canonical manifest: it must travel as one STOQ block, and a bigger one is abuse. */
export const MAX_MANIFEST_BYTES = 1024 * 1024
/** Longest relative path inside a package, in bytes; common filesystems cap a path near 4 KiB. */
export const MAX_PATH_LENGTH = 1024

/** Git-style file modes: a regular file with permission bits, or a symlink whose content is its target. */
export const FILE_TYPE_REGULAR = 0o100000
export const FILE_TYPE_SYMLINK = 0o120000
const PERMISSION_MASK = 0o777

const identifier = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'lowercase letters, digits, ".", "_" or "-", at most 128')
const semverVersion = z.string().refine(v => semver.valid(v) === v, 'a semantic version such as 1.0.0')
const semverRange = z.string().min(1).refine(r => semver.validRange(r) !== null, 'a semver range such as >=1.0.0')
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** A path relative to the package root: POSIX separators, no absolute, `.`, `..` or empty segments. */
export const packagePath = z.string()
  .min(1)
  .refine(p => Buffer.byteLength(p) <= MAX_PATH_LENGTH, `at most ${MAX_PATH_LENGTH} bytes`)
  .refine(p => isSafeRelativePath(p), 'a relative POSIX path without "..", "." or empty segments')

export function isSafeRelativePath (p: string): boolean {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false
  return p.split('/').every(s => s !== '' && s !== '.' && s !== '..')
}

export const fileEntrySchema = z.strictObject({
  path: packagePath,
  /** `0o100000 | perm` for a regular file, exactly `0o120000` for a symlink (its content is the target). */
  mode: z.number().int().refine(isValidMode, 'a regular-file mode (0o100000 | 0o777) or 0o120000 (symlink)'),
  size
})

export function isValidMode (mode: number): boolean {
  if (mode === FILE_TYPE_SYMLINK) return true
  return (mode & ~PERMISSION_MASK) === FILE_TYPE_REGULAR
}

const cidString = (codec: number): z.ZodType<string> => z.string().refine(s => {
  const cid = tryParseCid(s)
  return cid !== undefined && isHyperMeshCid(cid) && cid.code === codec && cid.toString() === s
}, 'a base32 CIDv1 with a BLAKE3 multihash')

export const manifestSchema = z.strictObject({
  id: identifier,
  name: z.string().min(1).max(256),
  version: semverVersion,
  category: z.string().min(1).max(128),
  required_capabilities: z.array(z.enum(CAPABILITIES)),
  provided_assets: z.array(z.string().min(1).max(128)),
  dependencies: z.array(z.strictObject({ extension_id: identifier, version_requirement: semverRange })),
  /** `SHA256:<hex>` of the publisher certificate; set when the package is signed (TrustChain). */
  certificate_fingerprint: z.string().regex(/^SHA256:\S+$/, 'SHA256:<fingerprint>').optional(),
  /** The host versions this package supports, e.g. `>=0.1.0`. */
  hypermesh: semverRange.optional(),
  /** The extension's main JS file inside the package. */
  entry: packagePath.optional(),
  content: z.strictObject({
    /** CIDv1(cbor, blake3) of the root object (protocols/stoq/SPEC.md). */
    root: cidString(CBOR_CODEC),
    size,
    chunk_size: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE)
  }),
  files: z.array(fileEntrySchema)
}).superRefine((m, ctx) => {
  const seen = new Set<string>()
  let total = 0
  for (const f of m.files) {
    if (seen.has(f.path)) ctx.addIssue({ code: 'custom', message: `duplicate path ${f.path}`, path: ['files'] })
    seen.add(f.path)
    total += f.size
  }
  for (const p of seen) {
    // a file may not also be a directory of another entry ("a" and "a/b")
    const parts = p.split('/')
    for (let i = 1; i < parts.length; i++) {
      if (seen.has(parts.slice(0, i).join('/'))) ctx.addIssue({ code: 'custom', message: `${p} lies under the file ${parts.slice(0, i).join('/')}`, path: ['files'] })
    }
  }
  if (total !== m.content.size) ctx.addIssue({ code: 'custom', message: `files add up to ${total} bytes, content.size is ${m.content.size}`, path: ['content', 'size'] })
  if (m.entry !== undefined && !m.files.some(f => f.path === m.entry && f.mode !== FILE_TYPE_SYMLINK)) {
    ctx.addIssue({ code: 'custom', message: `entry ${m.entry} is not a regular file of the package`, path: ['entry'] })
  }
})

export type Manifest = z.infer<typeof manifestSchema>
export type FileEntry = z.infer<typeof fileEntrySchema>

/** The manifest does not match the schema; `issues` says where. */
export class InvalidManifestError extends HyperMeshError {
  readonly issues: string[]
  constructor (issues: string[]) {
    super(`invalid manifest: ${issues.join('; ')}`, { hint: 'fix the listed fields; the schema is in src/package/manifest.ts' })
    this.issues = issues
  }
}

/** Validates `value` as a manifest, or throws InvalidManifestError. */
export function parseManifest (value: unknown): Manifest {
  const result = manifestSchema.safeParse(value)
  if (!result.success) {
    throw new InvalidManifestError(result.error.issues.map(i => `${i.path.join('.') || '(root)'}: ${i.message}`))
  }
  return result.data
}

/**
 * The one encoding of a manifest: canonical JSON, UTF-8, object keys sorted by UTF-16 code
 * units (JavaScript's default sort, as in RFC 8785), no whitespace, absent optional fields
 * omitted, array order kept. Every number in a manifest is a safe integer, so JSON's number
 * text is already unique. The manifest is validated first, so unknown fields never reach it.
 */
export function canonicalManifestBytes (manifest: Manifest): Uint8Array {
  const bytes = new TextEncoder().encode(canonicalJson(parseManifest(manifest)))
  if (bytes.length > MAX_MANIFEST_BYTES) throw new InvalidManifestError([`canonical manifest is ${bytes.length} bytes, the limit is ${MAX_MANIFEST_BYTES}`])
  return bytes
}

/** Parses canonical manifest bytes (e.g. a fetched manifest block) and checks they are canonical. */
export function decodeManifestBytes (bytes: Uint8Array): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES) throw new InvalidManifestError([`manifest is ${bytes.length} bytes, the limit is ${MAX_MANIFEST_BYTES}`])
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err: any) {
    throw new InvalidManifestError([`not UTF-8 JSON: ${err.message}`])
  }
  const manifest = parseManifest(value)
  const canonical = canonicalManifestBytes(manifest)
  if (Buffer.compare(Buffer.from(canonical), Buffer.from(bytes)) !== 0) throw new InvalidManifestError(['bytes are not in canonical form'])
  return manifest
}

/** The manifest's CID: CIDv1(json 0x0200, blake3(canonicalManifestBytes)). */
export function manifestCid (manifest: Manifest): CID {
  return cidOf(JSON_CODEC, canonicalManifestBytes(manifest))
}

/** The manifest's digest as a string: its CID in base32 (`bagaa…`). This is what gets signed, pinned and proven. */
export function manifestDigest (manifest: Manifest): string {
  return manifestCid(manifest).toString()
}

function canonicalJson (value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidManifestError([`number ${value} is not a safe integer`])
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  throw new InvalidManifestError([`cannot encode a ${typeof value}`])
}
