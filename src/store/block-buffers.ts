/** The one WebAssembly API used here; the project's type libraries (no DOM) do not declare it. */
declare const WebAssembly: { Memory: new (descriptor: { initial: number, maximum?: number }) => { buffer: ArrayBuffer } } | undefined

/**
 * File offsets, lengths and buffer addresses of an O_DIRECT write must be multiples of the
 * device's logical block size (512 here, 4096 on many disks): 4096 suits both.
 */
export const ALIGNMENT = 4096
/** WebAssembly memory grows in 64 KiB pages. */
const WASM_PAGE = 64 * 1024
/** Slots made at once, in one memory: one address-space reservation for several blocks. */
const SLOTS_PER_MEMORY = 8
/**
 * Most bytes of slots one pool makes. A fetch holds at most twice its window of blocks (in
 * flight and being written: 16 MiB with the defaults), so this serves a few fetches at once;
 * beyond it take() lends ordinary buffers, which are written through a staging copy.
 */
const MAX_POOL_BYTES = 64 * 1024 * 1024

/** The slot size of each WebAssembly memory's buffer that pools made. */
const slotSizes = new WeakMap<ArrayBufferLike, number>()
const pools = new Map<number, BlockBuffers>()

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to

/**
 * Block-sized buffers lent to a fetch for the chunks it receives, from one pool per block size
 * for the whole process, and taken back once each chunk is written.
 *
 * The slots are page-aligned (WebAssembly memory is mapped at a page boundary; JavaScript cannot
 * ask for an aligned ArrayBuffer otherwise), so the store writes a received chunk with O_DIRECT
 * straight from the buffer it arrived in (see direct-writes.ts) instead of copying it into an
 * aligned staging buffer first. And they outlive the fetch: with a buffer per chunk from the
 * allocator, glibc's heap grew by ~65 MiB over a 1 GiB fetch from 3 providers and kept it, so
 * a daemon's second fetch peaked that much higher than its first. A slot's pages stay resident
 * once used; the pool hands out the most recently returned slot first, so only about as many
 * slots as a fetch keeps busy are ever touched.
 */
export class BlockBuffers {
  /** The process's pool for blocks of `blockSize` bytes. */
  static for (blockSize: number): BlockBuffers {
    let pool = pools.get(blockSize)
    if (pool === undefined) {
      pool = new BlockBuffers(blockSize)
      pools.set(blockSize, pool)
    }
    return pool
  }

  readonly blockSize: number
  private readonly slotBytes: number
  private readonly free: Uint8Array[] = []
  private made = 0

  private constructor (blockSize: number) {
    this.blockSize = blockSize
    this.slotBytes = roundUp(blockSize, ALIGNMENT)
  }

  /** A buffer of `length` (≤ the block size) bytes; its contents are stale. */
  take (length: number): Uint8Array {
    if (length > this.blockSize) throw new RangeError(`a buffer of ${length} bytes from a pool of ${this.blockSize}-byte blocks`)
    if (this.free.length === 0) this.grow()
    return (this.free.pop() ?? new Uint8Array(this.blockSize)).subarray(0, length)
  }

  /** Takes back a buffer from take() that nothing reads or writes any more. */
  give (buffer: Uint8Array): void {
    const slot = slotSizes.get(buffer.buffer)
    if (slot === this.slotBytes) this.free.push(new Uint8Array(buffer.buffer, buffer.byteOffset, this.blockSize))
  }

  /** Slots made so far (tests). */
  get slots (): number {
    return this.made
  }

  private grow (): void {
    if (!canAlign || (this.made + SLOTS_PER_MEMORY) * this.slotBytes > MAX_POOL_BYTES) return
    const buffer = alignedMemory(SLOTS_PER_MEMORY * this.slotBytes)
    slotSizes.set(buffer, this.slotBytes)
    // pushed last-first, so slots are handed out from the start of the memory
    for (let i = SLOTS_PER_MEMORY - 1; i >= 0; i--) this.free.push(new Uint8Array(buffer, i * this.slotBytes, this.blockSize))
    this.made += SLOTS_PER_MEMORY
  }
}

/**
 * Page-aligned memory of at least `bytes` bytes: a WebAssembly memory, which is mapped at a page
 * boundary. Its pages become resident only as they are written; it is never smaller again.
 */
export function alignedMemory (bytes: number): ArrayBuffer {
  if (typeof WebAssembly !== 'object') throw new Error('no WebAssembly in this runtime')
  const pages = roundUp(bytes, WASM_PAGE) / WASM_PAGE
  return new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer
}

/** Whether this runtime can make aligned memory. */
export const canAlign = typeof WebAssembly === 'object'

/**
 * How many bytes from the start of `bytes` belong to its aligned slot (so may be written with
 * O_DIRECT, padding included), or 0 when `bytes` is not a pool buffer.
 */
export function alignedRoom (bytes: Uint8Array): number {
  const slot = slotSizes.get(bytes.buffer)
  if (slot === undefined || bytes.byteOffset % slot !== 0) return 0
  return slot
}
