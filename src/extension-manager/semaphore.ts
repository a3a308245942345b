/** A counter of operations in flight that refuses, rather than queues, the one past its limit. */
export class Semaphore {
  readonly limit: number
  #inFlight = 0

  constructor (limit: number) {
    this.limit = limit
  }

  get inFlight (): number {
    return this.#inFlight
  }

  /** Returns a release function, or undefined when `limit` operations are already in flight. */
  tryAcquire (): (() => void) | undefined {
    if (this.#inFlight >= this.limit) return undefined
    this.#inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
    }
  }
}
