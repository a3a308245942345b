import { logger } from '@libp2p/logger'
import type { ChainContext } from '../trust/index.ts'
import { matchesFilter, newestMatching } from './filter.ts'
import type { SearchFilter } from './filter.ts'
import type { SequenceMarks } from './marks.ts'
import { decodeRecord } from './record.ts'
import type { RecordBody } from './record.ts'
import { verifyRecord } from './verify-record.ts'
import type { VerifiedRecord } from './verify-record.ts'

const log = logger('hypermesh:registry:search')

/** One package as search and info show it. */
export interface PackageInfo {
  name: string
  /** Newest listed release (a prerelease only when there is no release). */
  version: string
  versions: string[]
  title: string
  category: string
  assets: string[]
  size: number
  manifest: string
  sequence: number
  expires: string
  verified: boolean
  publisher?: { fingerprint: string, subject: string }
  /** Why an unverified record failed (error name and message). */
  error?: { name: string, message: string }
  /** Peers whose catalog listed it (search only). */
  peers?: string[]
}

/** Records as gathered by a search: each distinct value with the peers that served it. */
export type RecordSightings = Array<Array<{ bytes: Uint8Array, peer: string }>>

export interface JudgeContext {
  trustStore: ChainContext
  marks: SequenceMarks
  now: Date
}

/**
 * Verifies each distinct record (as the validator would, plus this node's rollback mark), keeps
 * the best per name (verified first, then the higher sequence), applies the filter, and hides
 * unverified ones unless `verifiedOnly` is false. Sorted by name.
 */
export function judgeRecords (sightings: RecordSightings, filter: SearchFilter, context: JudgeContext): PackageInfo[] {
  const best = new Map<string, PackageInfo & { body: RecordBody }>()
  for (const group of sightings) {
    const info = judgeOne(group[0].bytes, context)
    if (info === undefined) continue
    info.peers = [...new Set(group.map(g => g.peer))]
    const current = best.get(info.name)
    if (current === undefined || rank(info) > rank(current)) best.set(info.name, info)
    else if (rank(info) === rank(current)) current.peers = [...new Set([...(current.peers ?? []), ...info.peers])]
  }
  return [...best.values()]
    .filter(i => filter.verifiedOnly === false || i.verified)
    .filter(i => matchesFilter(i.body, filter))
    .map(({ body, ...info }) => info)
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

function judgeOne (bytes: Uint8Array, context: JudgeContext): (PackageInfo & { body: RecordBody }) | undefined {
  let body: RecordBody
  try {
    body = decodeRecord(bytes).body
  } catch (err: any) {
    // without a body there is no name to mark it under; it cannot be shown even as unverified
    log('dropping an undecodable catalog record: %s', err.message)
    return undefined
  }
  try {
    const record = verifyRecord(bytes, { trustStore: context.trustStore, at: context.now })
    context.marks.check(body.name, body.sequence)
    return { ...summarize(body, record), body }
  } catch (err: any) {
    return { ...summarize(body), verified: false, error: { name: err.name, message: err.message }, body }
  }
}

/** Verified records outrank unverified ones; then the higher sequence wins. */
function rank (info: PackageInfo): number {
  return (info.verified ? Number.MAX_SAFE_INTEGER / 2 : 0) + info.sequence
}

export function summarize (body: RecordBody, record?: VerifiedRecord): PackageInfo {
  const newest = newestMatching(body) ?? body.versions[body.versions.length - 1]
  return {
    name: body.name,
    version: newest.version,
    versions: body.versions.map(v => v.version),
    title: newest.title,
    category: newest.category,
    assets: newest.assets,
    size: newest.size,
    manifest: newest.manifest,
    sequence: body.sequence,
    expires: body.expires,
    verified: record !== undefined,
    ...(record !== undefined ? { publisher: { fingerprint: record.publisher.fingerprint, subject: record.publisher.subject } } : {})
  }
}
