/**
 * Slots a table may reuse, at most: an id is `generation * MAX_SLOTS + slot`, so ids stay
 * exact integers (below 2^53) for 2^32 reuses of every slot, and more calls than this cannot
 * be in flight at once (far beyond any concurrency quota).
 */
export const MAX_SLOTS = 2 ** 21

/**
 * Values in flight (calls waiting for their answer) under numeric ids, kept in an array whose
 * slots are reused, and never in a Map.
 *
 * Why not a Map: V8 rehashes a Map whose entries come and go (and `clear()` replaces its
 * table) by allocating a new table and leaving the old one linked to it, entries and all. Once
 * one old table has been promoted to the old generation, every scavenge keeps the whole chain
 * of its successors alive, with every call and promise they held: on the asset-operation hot
 * path that promoted most of what each call allocated, and scavenges took 20–100 ms instead of
 * 1 ms. An array of slots is written in place and never grows past the calls in flight.
 *
 * An id is never reused: a late answer to a call that was already answered (its slot now holding
 * another call) finds a different id there and is ignored.
 */
export class SlotTable<T extends object> {
  /** The value in each slot; undefined while the slot is free. */
  readonly #values: Array<T | undefined> = []
  /** The last id each slot was given. */
  readonly #ids: number[] = []
  readonly #free: number[] = []
  #size = 0

  get size (): number {
    return this.#size
  }

  /** Stores `value` and returns its new id. */
  add (value: T): number {
    const slot = this.#free.pop()
    this.#size++
    if (slot != null) {
      this.#values[slot] = value
      this.#ids[slot] += MAX_SLOTS
      return this.#ids[slot]
    }
    const id = this.#values.length
    if (id >= MAX_SLOTS) throw new RangeError(`more than ${MAX_SLOTS} entries in flight`)
    this.#values.push(value)
    this.#ids.push(id)
    return id
  }

  /** Removes and returns the value under `id` (undefined when there is none, e.g. answered already). */
  take (id: number): T | undefined {
    const slot = id % MAX_SLOTS
    const value = this.#ids[slot] === id ? this.#values[slot] : undefined
    if (value === undefined) return undefined
    this.#values[slot] = undefined
    this.#free.push(slot)
    this.#size--
    return value
  }

  /** The ids in use now (a copy: taking entries meanwhile is safe). */
  ids (): number[] {
    const out: number[] = []
    for (let slot = 0; slot < this.#values.length; slot++) {
      if (this.#values[slot] !== undefined) out.push(this.#ids[slot])
    }
    return out
  }

  /** The values stored now (a copy). */
  values (): T[] {
    const out: T[] = []
    for (const value of this.#values) if (value !== undefined) out.push(value)
    return out
  }
}

/**
 * A set of ids handed out by a SlotTable (the node's call ids, as the host sees them), kept in
 * an array indexed by slot for the same reason: no Map or Set whose entries churn. A slot holds
 * one id at a time; an id a SlotTable has moved past is not in the set.
 */
export class IdSet {
  /** The id each slot holds; -1 while it holds none. */
  readonly #ids: number[] = []

  add (id: number): void {
    const slot = id % MAX_SLOTS
    while (this.#ids.length <= slot) this.#ids.push(-1)
    this.#ids[slot] = id
  }

  /** Removes `id`; false when it was not in the set (answered already). */
  delete (id: number): boolean {
    const slot = id % MAX_SLOTS
    if (this.#ids[slot] !== id) return false
    this.#ids[slot] = -1
    return true
  }

  /** The ids in the set (a copy). */
  values (): number[] {
    return this.#ids.filter(id => id >= 0)
  }

  clear (): void {
    this.#ids.fill(-1)
  }
}
