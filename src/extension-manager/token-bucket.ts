import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A token bucket: `rate` tokens per second flow in up to `capacity`. Used for bytes/s on the
 * network and for CPU nanoseconds in the host's watchdog. Tokens may go negative (a debt) so
 * one large send waits for its whole size instead of being split.
 */
export class TokenBucket {
  readonly rate: number
  readonly capacity: number
  #tokens: number
  #last: number

  constructor (rate: number, capacity: number) {
    this.rate = rate
    this.capacity = capacity
    this.#tokens = capacity
    this.#last = performance.now()
  }

  get tokens (): number {
    this.#refill()
    return this.#tokens
  }

  /** Takes `amount` now, going into debt if need be; returns the ms until the debt is repaid. */
  debit (amount: number): number {
    this.#refill()
    this.#tokens -= amount
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.rate) * 1000
  }

  /** Takes `amount`, then waits until the bucket is no longer in debt. */
  async take (amount: number, signal?: AbortSignal): Promise<void> {
    const waitMs = this.debit(amount)
    if (waitMs > 0) await sleep(waitMs, undefined, { signal })
  }

  #refill (): void {
    const now = performance.now()
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * this.rate)
    this.#last = now
  }
}
