import { cidOf, RAW_CODEC } from '../package/index.ts'
import type { CID } from '../package/index.ts'
import { DISCOVERY_PREFIX } from './constants.ts'
import type { RecordBody } from './record.ts'

/**
 * Discovery keys (protocols/registry/SPEC.md, "Discovery"): the DHT cannot list its keys, so a
 * publishing node provides well-known CIDs, CIDv1(raw, blake3(DISCOVERY_PREFIX + label)), for
 * "all packages", each asset type and each category it publishes. A searcher finds providers
 * of the narrowest key its filter allows and asks them for their catalog. Category labels are
 * lowercased so `Tools` and `tools` meet on one key; asset types are case-sensitive names.
 */
export function discoveryKey (kind: 'all' | 'type' | 'category', label = ''): CID {
  const text = kind === 'all' ? `${DISCOVERY_PREFIX}all` : `${DISCOVERY_PREFIX}${kind}/${kind === 'category' ? label.toLowerCase() : label}`
  return cidOf(RAW_CODEC, new TextEncoder().encode(text))
}

/** Every discovery key a record's newest version should be provided under. */
export function discoveryKeysFor (body: RecordBody): CID[] {
  const keys = new Map<string, CID>()
  const add = (cid: CID): void => { keys.set(cid.toString(), cid) }
  add(discoveryKey('all'))
  for (const v of body.versions) {
    add(discoveryKey('category', v.category))
    for (const asset of v.assets) add(discoveryKey('type', asset))
  }
  return [...keys.values()]
}

/** The one key a search filter looks up: a type beats a category (fewer providers), else all. */
export function discoveryKeyForFilter (filter: { type?: string, category?: string }): CID {
  if (filter.type !== undefined) return discoveryKey('type', filter.type)
  if (filter.category !== undefined) return discoveryKey('category', filter.category)
  return discoveryKey('all')
}
