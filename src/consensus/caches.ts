/**
 * The verifier's memory: beacons and stake certificates whose signatures already checked out,
 * and digests of accepted bundles (the replay cache). Entries are keyed by epoch or bounded in
 * number, so an attacker cannot grow them without limit.
 */

/** Verified stake certificates kept before the set is cleared; validity ≤ 1 day keeps it small. */
export const CERTIFICATE_CACHE_LIMIT = 10_000
/** Epochs of beacons and replay digests kept: the two acceptable ones plus the skew margin. */
const EPOCHS_KEPT = 3

/** A set of keys grouped by epoch, forgetting epochs older than the newest minus EPOCHS_KEPT. */
export class EpochSet {
  private readonly byEpoch = new Map<number, Set<string>>()

  has (epoch: number, key: string): boolean {
    return this.byEpoch.get(epoch)?.has(key) === true
  }

  add (epoch: number, key: string): void {
    let keys = this.byEpoch.get(epoch)
    if (keys == null) {
      keys = new Set()
      this.byEpoch.set(epoch, keys)
      const newest = Math.max(...this.byEpoch.keys())
      for (const old of this.byEpoch.keys()) if (old < newest - EPOCHS_KEPT) this.byEpoch.delete(old)
    }
    keys.add(key)
  }

  get size (): number {
    let n = 0
    for (const keys of this.byEpoch.values()) n += keys.size
    return n
  }
}

/** A bounded set: cleared whole when full (entries are only an optimisation). */
export class BoundedSet extends Set<string> {
  private readonly limit: number
  constructor (limit: number) {
    super()
    this.limit = limit
  }

  override add (key: string): this {
    if (this.size >= this.limit) this.clear()
    return super.add(key)
  }
}

export interface VerifierCaches {
  /** `${epoch}` → beacon values (base64) already verified. */
  beacons: EpochSet
  /** Signed-certificate digests (base64) already verified. */
  certificates: Set<string>
}

export function createCaches (): VerifierCaches {
  return { beacons: new EpochSet(), certificates: new BoundedSet(CERTIFICATE_CACHE_LIMIT) }
}
