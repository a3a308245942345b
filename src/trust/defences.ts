import semver from 'semver'
import {
  DigestMismatchError, ExpiredMetadataError, InvalidTrustRequestError, RollbackError, SizeLimitExceededError, WrongSoftwareError
} from './errors.ts'

/**
 * The update-attack defences later layers call (registry, fetch, install). Each check is one
 * function named after what it enforces; protocols/trust/SPEC.md maps every TUF attack to one.
 */

/** A version as a semver string or a sequence number: the two things records are ordered by. */
export type Version = string | number

function compareVersions (a: Version, b: Version): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'string' && typeof b === 'string') {
    if (semver.valid(a) === null || semver.valid(b) === null) throw new InvalidTrustRequestError(`not semantic versions: ${a}, ${b}`)
    return semver.compare(a, b)
  }
  throw new InvalidTrustRequestError('cannot compare a sequence number with a semantic version')
}

/**
 * Rollback: the newest version seen per key (package name, record key, issuer). `check` refuses
 * anything older than what was seen; `record` raises the high-water mark. Persisted by
 * store-file.ts so a restart does not forget.
 */
export class HighWaterMarks {
  private readonly marks = new Map<string, Version>()

  constructor (initial: Record<string, Version> = {}) {
    for (const [key, value] of Object.entries(initial)) this.marks.set(key, value)
  }

  get (key: string): Version | undefined {
    return this.marks.get(key)
  }

  /** Throws RollbackError when `version` is older than the newest seen for `key` (equal is fine: a re-fetch). */
  check (key: string, version: Version): void {
    const seen = this.marks.get(key)
    if (seen !== undefined && compareVersions(version, seen) < 0) throw new RollbackError(`${key}: ${version} is older than ${seen}, already seen`)
  }

  /** Checks, then records `version` if it is the newest. */
  record (key: string, version: Version): void {
    this.check(key, version)
    const seen = this.marks.get(key)
    if (seen === undefined || compareVersions(version, seen) > 0) this.marks.set(key, version)
  }

  toJSON (): Record<string, Version> {
    return Object.fromEntries(this.marks)
  }
}

/** Freeze: refuses a record whose signed expiry lies before `at`. */
export function checkNotExpired (expires: Date | string, at = new Date(), what = 'record'): void {
  const when = typeof expires === 'string' ? new Date(expires) : expires
  if (Number.isNaN(when.getTime())) throw new ExpiredMetadataError(`${what} has no valid expiry`)
  if (when < at) throw new ExpiredMetadataError(`${what} expired at ${when.toISOString()}`)
}

/** Endless data: refuses once more bytes arrived than the signed size allows. */
export function checkWithinSize (received: number, signedSize: number, what = 'download'): void {
  if (received > signedSize) throw new SizeLimitExceededError(`${what}: ${received} bytes received, the signed size is ${signedSize}`)
}

/**
 * Endless data, streaming form: passes chunks through and throws as soon as their total exceeds
 * `signedSize`, before the excess is stored.
 */
export async function * limitToSignedSize<T extends Uint8Array> (source: AsyncIterable<T>, signedSize: number): AsyncGenerator<T> {
  let received = 0
  for await (const chunk of source) {
    received += chunk.length
    checkWithinSize(received, signedSize)
    yield chunk
  }
}

/** Mix-and-match: the record must name exactly this manifest digest. */
export function checkDigestBinding (recordDigest: string, manifestDigest: string): void {
  if (recordDigest !== manifestDigest) throw new DigestMismatchError(`the record binds ${recordDigest}, the manifest is ${manifestDigest}`)
}

/** Wrong software: the signed name and version must be the ones requested. */
export function checkSoftwareBinding (signed: { name: string, version: string }, requested: { name: string, version?: string, range?: string }): void {
  if (signed.name !== requested.name) throw new WrongSoftwareError(`asked for ${requested.name}, got ${signed.name}`)
  if (requested.version !== undefined && signed.version !== requested.version) throw new WrongSoftwareError(`asked for ${requested.name}@${requested.version}, got ${signed.version}`)
  if (requested.range !== undefined && !semver.satisfies(signed.version, requested.range)) throw new WrongSoftwareError(`${signed.name}@${signed.version} does not satisfy ${requested.range}`)
}

/** A signed registry record as far as the defences are concerned. */
export interface RecordFacts {
  name: string
  version: string
  /** Sequence number of the record (republishing the same version increases it). */
  sequence?: number
  /** The manifest digest the record binds. */
  digest: string
  expires: Date | string
}

/**
 * All record-level defences in order: freeze, wrong software, mix-and-match, rollback (by
 * version, then by sequence within a version). Call it after verifyPackageSignature (arbitrary
 * installation) succeeded, so only verified records raise high-water marks (fast-forward); size
 * (endless data) is checked while downloading.
 */
export function checkRecord (params: {
  record: RecordFacts
  manifestDigest: string
  requested: { name: string, version?: string, range?: string }
  seen: HighWaterMarks
  at?: Date
}): void {
  const { record } = params
  checkNotExpired(record.expires, params.at, `record for ${record.name}@${record.version}`)
  checkSoftwareBinding(record, params.requested)
  checkDigestBinding(record.digest, params.manifestDigest)
  const marks: Array<[string, Version]> = [[`version:${record.name}`, record.version]]
  if (record.sequence !== undefined) marks.push([`sequence:${record.name}@${record.version}`, record.sequence])
  // every mark is checked before any is raised, so a refused record leaves no trace
  for (const [key, version] of marks) params.seen.check(key, version)
  for (const [key, version] of marks) params.seen.record(key, version)
}
