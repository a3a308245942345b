import * as cborg from 'cborg'
import { cidOf, RAW_CODEC, tryParseCid, BLAKE3_CODE } from '../package/index.ts'
import type { AssetType } from './asset-type.ts'

/** A content-derived asset identifier: a CIDv1 string (base32, raw codec, BLAKE3) over the asset's type and spec. */
export type AssetId = string

/**
 * The same type and spec always give the same id (on any node), and any change to either gives
 * another one. cborg sorts map keys, so property order in `spec` does not matter.
 */
export function computeAssetId (type: AssetType, spec: unknown): AssetId {
  return cidOf(RAW_CODEC, cborg.encode({ type, spec })).toString()
}

export function isAssetId (value: unknown): value is AssetId {
  if (typeof value !== 'string') return false
  const cid = tryParseCid(value)
  return cid?.version === 1 && cid.multihash.code === BLAKE3_CODE
}
