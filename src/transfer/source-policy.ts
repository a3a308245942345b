import { logger } from '@libp2p/logger'

const log = logger('hypermesh:transfer:sources')

export interface SourcePolicyOptions {
  /** Chunks stored per measurement epoch. */
  epochChunks: number
  /** A provider is kept only if the fetch runs more than this fraction slower without it. */
  minGain: number
  /** Clock in ms (tests pass a fake one). @default performance.now */
  now?: () => number
}

/**
 * Which of a fetch's providers take new requests: a swarming policy that keeps a provider only
 * while it adds throughput, as multi-source download clients do (aria2 picks the fastest mirrors
 * instead of splitting over every one; a BitTorrent client keeps the peers that give it rate).
 *
 * Every provider starts active, so each gets requests from the first window. The fetch's rate is
 * measured per epoch (`epochChunks` chunks stored). After a warm-up epoch and one epoch with all
 * active providers, the policy benches the provider that delivered the fewest chunks in the last
 * epoch and measures an epoch without it: if the fetch ran less than `minGain` slower, that
 * provider cost more than it gave (the getter's own link or CPU was the limit, and every source
 * costs both ends a connection's worth of work per byte) and stays benched; the next one is tried.
 * If the fetch slowed down, the provider comes back and the set is settled. When the providers
 * are the bottleneck (each behind its own uplink), removing one slows the fetch by its share and
 * every provider stays; when the getter is, the fetch narrows to the fewest providers that keep
 * it at its rate.
 *
 * A benched provider is still used: for chunks no active provider has, in the endgame, and again
 * in full when an active provider is dropped or the settled set's rate falls by more than
 * `minGain` for two epochs in a row (the set is then rebuilt from everyone).
 */
export class SourcePolicy<P> {
  private readonly options: SourcePolicyOptions
  private readonly now: () => number
  private readonly active = new Set<P>()
  private readonly benched = new Set<P>()
  /** Chunks each provider delivered in the running epoch. */
  private readonly delivered = new Map<P, number>()
  private epochStart: number | undefined
  private epochBytes = 0
  private epochChunks = 0
  private epochs = 0
  /** Bytes/ms of the set last kept; undefined until measured. */
  private reference: number | undefined
  /** The provider benched for the running trial epoch. */
  private trial: P | undefined
  private settled = false
  /** Settled epochs in a row below the reference rate. */
  private slowEpochs = 0

  constructor (peers: Iterable<P>, options: SourcePolicyOptions) {
    this.options = options
    this.now = options.now ?? (() => performance.now())
    for (const p of peers) this.active.add(p)
  }

  /** Providers taking requests in full. */
  get activeCount (): number {
    return this.active.size
  }

  isBenched (p: P): boolean {
    return this.benched.has(p)
  }

  isActive (p: P): boolean {
    return this.active.has(p)
  }

  /** A provider that joined the fetch (a reopened stream) starts active. */
  add (p: P): void {
    this.active.add(p)
  }

  /** A provider left the fetch; if no active one is left, the benched ones come back. */
  remove (p: P): void {
    const wasActive = this.active.delete(p)
    this.benched.delete(p)
    this.delivered.delete(p)
    if (this.trial === p) this.trial = undefined
    if (wasActive && this.benched.size > 0) this.restoreAll('an active provider left')
  }

  /** A chunk of `bytes` from `p` was stored. */
  onChunk (p: P, bytes: number): void {
    const now = this.now()
    // the clock starts at the first stored chunk, so an epoch measures the flow, not the time to
    // first byte; and a trial's epoch starts after the last answer the benched provider still
    // owed, so it measures the fetch without that provider
    if (this.epochStart === undefined || this.trial === p) {
      this.epochStart = now
      this.epochBytes = 0
      this.epochChunks = 0
      this.delivered.clear()
      return
    }
    this.epochBytes += bytes
    this.epochChunks++
    this.delivered.set(p, (this.delivered.get(p) ?? 0) + 1)
    if (this.epochChunks < this.options.epochChunks) return
    const rate = this.epochBytes / Math.max(now - this.epochStart, 1e-3)
    this.epochs++
    // the first epoch is a warm-up (transport windows still opening): it decides nothing
    if (this.epochs > 1) this.decide(rate)
    this.epochStart = now
    this.epochBytes = 0
    this.epochChunks = 0
    this.delivered.clear()
  }

  private decide (rate: number): void {
    const floor = (this.reference ?? 0) * (1 - this.options.minGain)
    if (this.trial !== undefined) {
      const p = this.trial
      this.trial = undefined
      if (rate >= floor) {
        log('fetch kept %d B/ms without a provider (was %d): it stays benched', Math.round(rate), Math.round(this.reference ?? 0))
        this.reference = rate
      } else {
        log('fetch fell to %d B/ms without a provider (was %d): it is back', Math.round(rate), Math.round(this.reference ?? 0))
        this.benched.delete(p)
        this.active.add(p)
        this.settled = true
        return
      }
    } else if (this.reference === undefined) {
      this.reference = rate
    } else if (this.settled) {
      this.slowEpochs = rate < floor ? this.slowEpochs + 1 : 0
      if (this.slowEpochs >= 2 && this.benched.size > 0) this.restoreAll(`the rate fell to ${Math.round(rate)} B/ms from ${Math.round(this.reference)}`)
      return
    }
    if (this.settled) return
    if (this.active.size < 2) {
      this.settled = true
      return
    }
    // bench the provider that delivered least in this epoch (the last of several ties)
    let slowest: P | undefined
    let fewest = Infinity
    for (const p of this.active) {
      const n = this.delivered.get(p) ?? 0
      if (n <= fewest) {
        slowest = p
        fewest = n
      }
    }
    this.active.delete(slowest as P)
    this.benched.add(slowest as P)
    this.trial = slowest
  }

  private restoreAll (why: string): void {
    log('every benched provider is back: %s', why)
    for (const p of this.benched) this.active.add(p)
    this.benched.clear()
    this.trial = undefined
    this.reference = undefined
    this.settled = false
    this.slowEpochs = 0
    this.epochs = 0
  }
}
