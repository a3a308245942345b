/**
 * A bounded cache with CLOCK (second-chance) eviction: values sit in fixed slots, a hit only
 * sets its slot's used mark, and a hand sweeping the slots evicts the first one not used since
 * it last passed. The key → slot Map changes when a key is added or evicted, never on a hit.
 *
 * Why not an LRU that moves a key to the end of a Map (delete + set) at every hit: on the
 * asset-operation hot path that is a Map mutation per operation, and V8 rehashes a Map whose
 * entries come and go by allocating a new table and leaving the old one linked to it; once an
 * old table is promoted, scavenges keep everything the chain references alive (the failure
 * described in extension-manager/host/slot-table.ts). CLOCK approximates LRU closely enough
 * for a read cache and moves nothing.
 */
export class RecordCache<K, V> {
  readonly capacity: number
  readonly #slots = new Map<K, number>()
  readonly #keys: Array<K | undefined> = []
  readonly #values: Array<V | undefined> = []
  readonly #used: Uint8Array
  /** Slots emptied by delete(), filled before the hand evicts anything. */
  readonly #free: number[] = []
  #hand = 0

  constructor (capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`a cache holds at least one entry, not ${capacity}`)
    this.capacity = capacity
    this.#used = new Uint8Array(capacity)
  }

  get size (): number {
    return this.#slots.size
  }

  /** The value under `key`, marked used (the hand passes over it once before evicting it). */
  get (key: K): V | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    this.#used[slot] = 1
    return this.#values[slot]
  }

  set (key: K, value: V): void {
    let slot = this.#slots.get(key)
    if (slot === undefined) {
      slot = this.#free.pop() ?? (this.#keys.length < this.capacity ? this.#keys.length : this.#evict())
      this.#slots.set(key, slot)
      this.#keys[slot] = key
    }
    this.#values[slot] = value
    this.#used[slot] = 1
  }

  delete (key: K): void {
    const slot = this.#slots.get(key)
    if (slot === undefined) return
    this.#slots.delete(key)
    this.#keys[slot] = undefined
    this.#values[slot] = undefined
    this.#used[slot] = 0
    this.#free.push(slot)
  }

  /**
   * Empties the first slot from the hand on that was not used since the hand last passed it,
   * clearing the marks it passes; found within one turn plus one slot. Only called when every
   * slot holds a key.
   */
  #evict (): number {
    for (;;) {
      const slot = this.#hand
      this.#hand = (slot + 1) % this.capacity
      if (this.#used[slot] === 1) {
        this.#used[slot] = 0
        continue
      }
      this.#slots.delete(this.#keys[slot]!)
      return slot
    }
  }
}
