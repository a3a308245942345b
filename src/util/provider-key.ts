import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

/** sha2-256 multihash code. */
const SHA2_256 = 0x12
/** raw codec. */
const RAW = 0x55

/**
 * The DHT key under which a CID's provider records live.
 *
 * kad-dht's ADD_PROVIDER and GET_PROVIDERS handlers receive only the multihash and parse it back
 * with `CID.decode`, which succeeds only for a sha2-256 multihash (read as a CIDv0). A BLAKE3 CID
 * (multihash code 0x1e) is refused as "Invalid CID" by every peer, so nothing would ever be
 * found. Providing under the sha2-256 of the CID's bytes keeps one well-defined key per CID
 * (protocols/stoq/SPEC.md, "Provider records").
 */
export function providerKey (cid: CID): CID {
  if (cid.multihash.code === SHA2_256) return cid
  const digest = createHash('sha256').update(cid.bytes).digest()
  return CID.createV1(RAW, Digest.create(SHA2_256, digest))
}
