import { logger } from '@libp2p/logger'

const log = logger('hypermesh:transfer:sources')

/** Epochs a fetch waits before it retries after its first undone trial; the wait doubles with each undone trial. */
const FIRST_BACKOFF_EPOCHS = 2
/**
 * Outside trials, a rate this much below the set's running mean for two epochs in a row brings
 * every benched provider back: well above one epoch's noise here (20-30 % at worst, for one
 * epoch), so only a real change (an active provider slowing down) does it.
 */
const SLOWDOWN = 0.2
/** Longest wait between trials: 16 epochs of 8 chunks, so a long fetch still re-checks its sources every 128 MiB or so. */
const MAX_BACKOFF_EPOCHS = 16

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
 * If the fetch slowed down, the provider comes back. An undone trial is retried after a wait
 * that doubles each time (2 epochs, up to 16), alternating with the opposite trial: a benched
 * provider brought back for an epoch stays if the fetch runs more than `minGain` faster with it.
 * One epoch's rate is a noisy measurement on a busy machine, and what a fetch needs can change
 * during it, so no decision is final. When the providers
 * are the bottleneck (each behind its own uplink), removing one slows the fetch by its share and
 * every provider stays; when the getter is, the fetch narrows to the fewest providers that keep
 * it at its rate.
 *
 * A benched provider is still used: for chunks no active provider has, in the endgame, and again
 * in full when an active provider is dropped or the set's rate falls by more than SLOWDOWN for
 * two epochs in a row outside trials (the set is then rebuilt from everyone).
 */
export class SourcePolicy<P> {
  private readonly options: SourcePolicyOptions
  private readonly now: () => number
  private readonly active = new Set<P>()
  /** Benched providers, longest benched first. */
  private readonly benched = new Set<P>()
  /** Chunks each provider delivered in the running epoch. */
  private readonly delivered = new Map<P, number>()
  private epochStart: number | undefined
  private epochBytes = 0
  private epochChunks = 0
  private epochs = 0
  /** Bytes/ms of the current set (a running mean over its epochs); undefined until measured. */
  private reference: number | undefined
  /** The running trial: a provider benched, or one brought back, for an epoch. */
  private trial: { p: P, kind: 'bench' | 'add' } | undefined
  /** The kind of trial tried next. */
  private nextKind: 'bench' | 'add' = 'bench'
  /** The epoch from which the next trial may start. */
  private nextTrial = 0
  /** Epochs to wait after the next failed trial. */
  private backoff = FIRST_BACKOFF_EPOCHS
  /** Epochs in a row below the reference rate, outside trials. */
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

  /** A provider left the fetch; if an active one left, the benched ones come back. */
  remove (p: P): void {
    const wasActive = this.active.delete(p)
    this.benched.delete(p)
    this.delivered.delete(p)
    if (this.trial?.p === p) this.trial = undefined
    if (wasActive && this.benched.size > 0) this.restoreAll('an active provider left')
  }

  /** A chunk of `bytes` from `p` was stored. */
  onChunk (p: P, bytes: number): void {
    const now = this.now()
    // the clock starts at the first stored chunk, so an epoch measures the flow, not the time to
    // first byte; and a bench trial's epoch starts after the last answer the benched provider
    // still owed, so it measures the fetch without that provider
    if (this.epochStart === undefined || (this.trial?.kind === 'bench' && this.trial.p === p)) {
      this.restartEpoch(now)
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
    this.restartEpoch(now)
  }

  private restartEpoch (now: number): void {
    this.epochStart = now
    this.epochBytes = 0
    this.epochChunks = 0
    this.delivered.clear()
  }

  private decide (rate: number): void {
    const { minGain } = this.options
    const trial = this.trial
    this.trial = undefined
    if (trial !== undefined && this.reference !== undefined) {
      const kept = trial.kind === 'bench' ? rate >= this.reference * (1 - minGain) : rate > this.reference * (1 + minGain)
      log('%s trial: %d B/ms against %d: %s', trial.kind, Math.round(rate), Math.round(this.reference), kept ? 'kept' : 'undone')
      if (kept) {
        this.reference = rate
        this.backoff = FIRST_BACKOFF_EPOCHS
        // the same kind of trial again, at once, while there is one to make: the fetch keeps
        // narrowing (or widening); then the other kind, after a wait
        const again = trial.kind === 'bench' ? this.active.size > 1 : this.benched.size > 0
        this.nextTrial = again ? this.epochs : this.epochs + this.backoff
        if (!again) this.nextKind = trial.kind === 'bench' ? 'add' : 'bench'
      } else {
        this.move(trial.p, trial.kind === 'bench' ? this.active : this.benched)
        // an undone trial is retried later, at growing intervals, and the other kind is tried
        // next: a measurement can mislead, and what the fetch needs can change
        this.nextTrial = this.epochs + this.backoff
        this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_EPOCHS)
        this.nextKind = trial.kind === 'bench' ? 'add' : 'bench'
        return
      }
    } else if (this.reference === undefined) {
      this.reference = rate
    } else {
      this.slowEpochs = rate < this.reference * (1 - SLOWDOWN) ? this.slowEpochs + 1 : 0
      if (this.slowEpochs >= 2 && this.benched.size > 0) {
        this.restoreAll(`the rate fell to ${Math.round(rate)} B/ms from ${Math.round(this.reference)}`)
        return
      }
      this.reference = (this.reference + rate) / 2
    }
    if (this.epochs >= this.nextTrial) this.startTrial()
  }

  private startTrial (): void {
    const canBench = this.active.size > 1
    const canAdd = this.benched.size > 0
    const kind = (this.nextKind === 'add' && canAdd) || !canBench ? 'add' : 'bench'
    if (kind === 'add') {
      if (!canAdd) return
      // the provider benched longest comes back for an epoch
      const p = this.benched.values().next().value as P
      this.move(p, this.active)
      this.trial = { p, kind }
      return
    }
    // bench the provider that delivered least in the last epoch (the last of several ties)
    let slowest: P | undefined
    let fewest = Infinity
    for (const p of this.active) {
      const n = this.delivered.get(p) ?? 0
      if (n <= fewest) {
        slowest = p
        fewest = n
      }
    }
    this.move(slowest as P, this.benched)
    this.trial = { p: slowest as P, kind }
  }

  /** Moves `p` into `to` (active or benched), out of the other. */
  private move (p: P, to: Set<P>): void {
    this.active.delete(p)
    this.benched.delete(p)
    to.add(p)
  }

  private restoreAll (why: string): void {
    log('every benched provider is back: %s', why)
    for (const p of this.benched) this.active.add(p)
    this.benched.clear()
    this.trial = undefined
    this.reference = undefined
    this.slowEpochs = 0
    this.epochs = 0
    this.nextTrial = 0
    this.nextKind = 'bench'
    this.backoff = FIRST_BACKOFF_EPOCHS
  }
}
