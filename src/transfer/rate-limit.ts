import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A token bucket in bytes. `take(n)` waits until n bytes may pass; the bucket holds at most one
 * second of budget so a long idle period does not release a burst.
 */
export class TokenBucket {
  private readonly rate: number
  private tokens: number
  private last = performance.now()

  constructor (bytesPerSecond: number) {
    this.rate = bytesPerSecond
    this.tokens = bytesPerSecond
  }

  async take (n: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now()
      this.tokens = Math.min(this.rate, this.tokens + (now - this.last) / 1000 * this.rate)
      this.last = now
      // a request larger than the whole bucket passes once the bucket is full, going into debt
      if (this.tokens >= Math.min(n, this.rate)) {
        this.tokens -= n
        return
      }
      await sleep(Math.ceil((Math.min(n, this.rate) - this.tokens) / this.rate * 1000), undefined, { signal })
    }
  }
}
