/**
 * A counter of operations in flight that refuses, rather than queues, the one past its limit.
 * No object per acquisition: an asset operation acquires one at every call, and a release
 * closure per call was a tenth of what the call allocated in the node.
 */
export class Semaphore {
  readonly limit: number
  #inFlight = 0

  constructor (limit: number) {
    this.limit = limit
  }

  get inFlight (): number {
    return this.#inFlight
  }

  /** Takes a slot; false when `limit` operations are already in flight. */
  tryAcquire (): boolean {
    if (this.#inFlight >= this.limit) return false
    this.#inFlight++
    return true
  }

  /**
   * Frees the slot of one acquisition; call it once per successful tryAcquire (the host's slot
   * table and a `finally` guarantee that). Bound, so it can be handed on as a callback as it is.
   */
  readonly release = (): void => {
    if (this.#inFlight === 0) throw new RangeError('semaphore released more often than acquired')
    this.#inFlight--
  }
}
