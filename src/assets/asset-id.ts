import { blake3 } from '@napi-rs/blake-hash'
import * as cborg from 'cborg'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import type { AssetType } from './asset-type.ts'

/** A content-derived asset identifier: a CIDv1 string (base32) over the asset's type and spec. */
export type AssetId = string

/** Multicodec code of BLAKE3-256 (multihash table); the hash the store also uses. */
export const BLAKE3_MULTIHASH_CODE = 0x1e

/** Multicodec code of `raw`: the id commits to bytes, not to a decodable IPLD block. */
export const RAW_CODEC = 0x55

/**
 * The same type and spec always give the same id (on any node), and any change to either gives
 * another one. cborg sorts map keys, so property order in `spec` does not matter.
 */
export function computeAssetId (type: AssetType, spec: unknown): AssetId {
  const bytes = cborg.encode({ type, spec })
  const digest = Digest.create(BLAKE3_MULTIHASH_CODE, blake3(bytes))
  return CID.createV1(RAW_CODEC, digest).toString()
}

export function isAssetId (value: unknown): value is AssetId {
  if (typeof value !== 'string') return false
  try {
    const cid = CID.parse(value)
    return cid.version === 1 && cid.multihash.code === BLAKE3_MULTIHASH_CODE
  } catch {
    return false
  }
}
