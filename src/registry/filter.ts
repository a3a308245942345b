import semver from 'semver'
import type { RecordBody, RecordVersion } from './record.ts'

/** What `search` narrows by; every field is optional and all given ones must match. */
export interface SearchFilter {
  /** Case-insensitive substring of the name, title, category or an asset type. */
  text?: string
  /** An asset type a version provides, e.g. `Library`, `Container`, `VirtualMachine`. */
  type?: string
  /** Category, case-insensitive. */
  category?: string
  /** A semver range some listed version must satisfy. */
  range?: string
  /**
   * Hide records that do not verify; when false they are returned marked `verified: false`.
   * @default true
   */
  verifiedOnly?: boolean
}

function versionMatches (v: RecordVersion, filter: SearchFilter, name: string): boolean {
  if (filter.type !== undefined && !v.assets.includes(filter.type)) return false
  if (filter.category !== undefined && v.category.toLowerCase() !== filter.category.toLowerCase()) return false
  if (filter.range !== undefined && !semver.satisfies(v.version, filter.range)) return false
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase()
    const hay = [name, v.title, v.category, ...v.assets].map(s => s.toLowerCase())
    if (!hay.some(s => s.includes(needle))) return false
  }
  return true
}

/** True when some version of the record matches every given field of the filter. */
export function matchesFilter (body: RecordBody, filter: SearchFilter): boolean {
  return body.versions.some(v => versionMatches(v, filter, body.name))
}

/**
 * The newest listed version satisfying `range`, or undefined. Without a range: the newest
 * release, or the newest prerelease when there is no release (as npm's `latest` would).
 */
export function newestMatching (body: RecordBody, range?: string): RecordVersion | undefined {
  const newest = (ok: (v: RecordVersion) => boolean): RecordVersion | undefined => body.versions.findLast(ok)
  if (range !== undefined) return newest(v => semver.satisfies(v.version, range))
  return newest(v => semver.prerelease(v.version) === null) ?? newest(() => true)
}
