import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { RAW_CODEC } from '../package/index.ts'
import { CONTENT_KEY_PREFIX, DISCOVERY_PREFIX } from './constants.ts'
import type { RecordBody } from './record.ts'

/** Multicodec code of sha2-256 in a multihash. */
const SHA2_256_CODE = 0x12

/**
 * Provider keys are CIDv1(raw, sha2-256(text)). Not BLAKE3 like our content: kad-dht 16's
 * ADD_PROVIDER and GET_PROVIDERS handlers parse the key with `CID.decode(multihash)`, which only
 * works for a sha2-256 multihash (read as CIDv0), so a provider record under a BLAKE3 key is
 * refused by every remote peer (protocols/registry/SPEC.md, "Provider keys").
 */
function sha256Key (text: string): CID {
  const hash = createHash('sha256').update(text, 'utf8').digest()
  return CID.createV1(RAW_CODEC, createDigest(SHA2_256_CODE, new Uint8Array(hash)))
}

/**
 * Discovery keys (SPEC.md, "Discovery"): the DHT cannot list its keys, so a publishing node
 * provides well-known keys for "all packages", each asset type and each category it publishes.
 * A searcher finds providers of the narrowest key its filter allows and asks them for their
 * catalog. Category labels are lowercased so `Tools` and `tools` meet on one key; asset types
 * are case-sensitive names.
 */
export function discoveryKey (kind: 'all' | 'type' | 'category', label = ''): CID {
  return sha256Key(kind === 'all' ? `${DISCOVERY_PREFIX}all` : `${DISCOVERY_PREFIX}${kind}/${kind === 'category' ? label.toLowerCase() : label}`)
}

/** The provider key standing for a (BLAKE3) manifest or root CID: who serves that content over STOQ. */
export function contentKey (cid: string): CID {
  return sha256Key(`${CONTENT_KEY_PREFIX}${cid}`)
}

/** Every discovery key a record should be provided under. */
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
