import semver from 'semver'
import type { Manifest } from '../package/index.ts'
import { MAX_RECORD_BYTES, MAX_RECORD_VERSIONS, RECORD_TYPE } from './constants.ts'
import { RecordTooLargeError, VersionExistsError } from './errors.ts'
import type { RecordBody, RecordVersion } from './record.ts'

/**
 * Building the next record of a name (pure): a new version is merged into the versions the
 * previous record listed, the sequence rises above both that record and the node's mark, and
 * the lifetime starts now. A republish is the same body with a new sequence and lifetime.
 */

/** The record entry of a packed manifest. */
export function versionEntry (manifest: Manifest, manifestDigest: string, published: Date, proof?: string): RecordVersion {
  return {
    version: manifest.version,
    manifest: manifestDigest,
    root: manifest.content.root,
    size: manifest.content.size,
    title: manifest.name,
    category: manifest.category,
    assets: [...manifest.provided_assets],
    capabilities: [...manifest.required_capabilities],
    published: published.toISOString(),
    ...(proof !== undefined ? { proof } : {})
  }
}

/**
 * The versions after adding `entry`: ascending by semver, at most MAX_RECORD_VERSIONS (the
 * oldest drop out). Re-adding a version with the same manifest keeps the existing entry;
 * with another manifest it is refused, because a published version never changes.
 */
export function mergeVersions (previous: readonly RecordVersion[], entry: RecordVersion, name: string): RecordVersion[] {
  const existing = previous.find(v => v.version === entry.version)
  if (existing !== undefined) {
    if (existing.manifest !== entry.manifest) throw new VersionExistsError(name, entry.version)
    return [...previous]
  }
  const merged = [...previous, entry].sort((a, b) => semver.compare(a.version, b.version))
  return merged.slice(Math.max(0, merged.length - MAX_RECORD_VERSIONS))
}

export interface NextRecordParams {
  name: string
  versions: RecordVersion[]
  /** Sequences already used for this name: the previous record's and the node's mark. */
  after: Array<number | undefined>
  now: Date
  lifetimeMs: number
}

export function nextRecordBody (params: NextRecordParams): RecordBody {
  const sequence = Math.max(0, ...params.after.filter((s): s is number => s !== undefined)) + 1
  return {
    type: RECORD_TYPE,
    name: params.name,
    sequence,
    issued: params.now.toISOString(),
    expires: new Date(params.now.getTime() + params.lifetimeMs).toISOString(),
    versions: params.versions
  }
}

/**
 * Drops the oldest versions until `encode(body)` fits MAX_RECORD_BYTES; the newest version
 * always stays, and if it alone does not fit, RecordTooLargeError.
 */
export function fitRecord (body: RecordBody, encode: (body: RecordBody) => Uint8Array): Uint8Array {
  let current = body
  for (;;) {
    try {
      return encode(current)
    } catch (err: any) {
      if (err.name !== 'RecordTooLargeError') throw err
      if (current.versions.length <= 1) throw new RecordTooLargeError(`a record with only ${body.name}@${body.versions[body.versions.length - 1].version} exceeds ${MAX_RECORD_BYTES} bytes`)
      current = { ...current, versions: current.versions.slice(1) }
    }
  }
}
