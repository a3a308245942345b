import { hasher, absorb, hashFields, str, u32, u64 } from './encoding.ts'
import { BeaconDuplicateSignerError, BeaconInvalidError, BeaconThresholdNotMetError, BeaconUnknownSignerError } from './errors.ts'
import { sortShares, verifyQuorum } from './quorum.ts'
import type { SignatureShare } from './quorum.ts'
import type { PreparedTrustRoot } from './trust-root.ts'
import type { PrivateKey } from '@libp2p/interface'

/**
 * The epoch beacon (SPEC.md §7): each validator signs H("beacon-message", root id, epoch); the
 * beacon is the hash of a threshold of those signatures. Nobody can predict it before a
 * threshold of validators has signed, and validators sign no epoch before it starts.
 */

const BEACON_ERRORS = { unknown: BeaconUnknownSignerError, duplicate: BeaconDuplicateSignerError, threshold: BeaconThresholdNotMetError, invalid: BeaconInvalidError }

export function beaconMessage (trustRootId: string, epoch: number): Uint8Array {
  return hashFields('beacon-message', str(trustRootId), u64(epoch))
}

export async function signBeaconShare (privateKey: PrivateKey, trustRootId: string, epoch: number): Promise<SignatureShare> {
  const signature = await privateKey.sign(beaconMessage(trustRootId, epoch))
  return { validator: privateKey.publicKey.toString(), signature }
}

/** H("beacon", root id, epoch, u32(count), then each share sorted by validator: id, signature). */
export function beaconValue (trustRootId: string, epoch: number, shares: SignatureShare[]): Uint8Array {
  const hash = hasher('beacon', str(trustRootId), u64(epoch), u32(shares.length))
  for (const share of sortShares(shares)) {
    absorb(hash, str(share.validator))
    absorb(hash, share.signature)
  }
  return new Uint8Array(hash.digest())
}

/** Checks the shares and returns the beacon value. */
export function verifyBeacon (root: PreparedTrustRoot, epoch: number, shares: SignatureShare[]): Uint8Array {
  verifyQuorum(shares, beaconMessage(root.id, epoch), root, BEACON_ERRORS)
  return beaconValue(root.id, epoch, shares)
}
