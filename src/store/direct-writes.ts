import { closeSync, constants, fdatasync, ftruncateSync, openSync, rmSync, write } from 'node:fs'
import { logger } from '@libp2p/logger'
import { ALIGNMENT, alignedMemory, alignedRoom, canAlign } from './block-buffers.ts'

const log = logger('hypermesh:store:direct')

/**
 * Blocks at least this large are written with O_DIRECT. Smaller ones (root objects, manifests,
 * proof bundles) are few and are read back soon; padding them to the alignment would waste more
 * than the page cache costs.
 */
export const DIRECT_MIN_BYTES = 64 * 1024
/** Blocks staged at once (not those written from their own aligned buffer): libuv's threadpool runs four file operations at a time, more would only queue there. */
const STAGING_SLOTS = 4
/** Each slot holds one block of the largest chunk size a root object allows (4 MiB, MAX_CHUNK_SIZE). */
const SLOT_BYTES = 4 * 1024 * 1024

/**
 * Writes big blocks with O_DIRECT, past the page cache. A fetched chunk is written once and
 * rarely read soon, but a buffered write must first find a free page-cache page for every 4 KiB;
 * in a VM whose free memory is handed back to the host (a balloon with free page reporting, as
 * in Firecracker) each such page faults in anew: 256 MiB written cold cost this VM 3.2 ms of
 * kernel time per MiB (1 GiB: 3.3 s sys), against 0.3 ms per MiB written directly.
 *
 * O_DIRECT needs an aligned buffer. A block that arrived in one of the aligned buffers of
 * block-buffers.ts is written from it; any other is first copied into one of a few slots of a
 * WebAssembly memory, which is mapped at a page boundary (~0.1 ms per MiB). Either way its
 * length is padded to the alignment and the file truncated back to the block's length. A file
 * system that refuses O_DIRECT (tmpfs) turns direct writes off for the store, and the block is
 * written through the page cache instead.
 */
export class DirectWrites {
  private readonly slots: Uint8Array[] = []
  private readonly waiting: Array<(slot: Uint8Array) => void> = []
  private enabled: boolean

  constructor (enabled = true) {
    this.enabled = enabled && constants.O_DIRECT !== undefined && canAlign
  }

  /** Whether a block of `length` bytes should be written directly. */
  wants (length: number): boolean {
    return this.enabled && length >= DIRECT_MIN_BYTES && length <= SLOT_BYTES
  }

  /**
   * Writes `bytes` to the new file `path` with O_DIRECT (durably on the device when `sync`);
   * false when the file system refused it (then nothing is left at `path` and direct writes
   * are off from now on).
   */
  async write (path: string, bytes: Uint8Array | Uint8Array[], length: number, sync: boolean): Promise<boolean> {
    const padded = Math.ceil(length / ALIGNMENT) * ALIGNMENT
    const whole = bytes instanceof Uint8Array ? bytes : bytes.length === 1 ? bytes[0] : undefined
    if (whole !== undefined && alignedRoom(whole) >= padded) {
      return await this.writeAligned(path, new Uint8Array(whole.buffer, whole.byteOffset, padded), length, sync)
    }
    const slot = await this.take()
    try {
      let off = 0
      for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
        slot.set(piece, off)
        off += piece.length
      }
      return await this.writeAligned(path, slot.subarray(0, padded), length, sync)
    } finally {
      this.give(slot)
    }
  }

  /** Writes the aligned `source` (the block's `length` bytes, then padding) to the new file `path`. */
  private async writeAligned (path: string, source: Uint8Array, length: number, sync: boolean): Promise<boolean> {
    // open, truncate and close are metadata calls of microseconds, made in place: a trip
    // through libuv's threadpool costs more than the call (see block-files.ts); the write
    // itself waits for the device and goes to the threadpool
    let fd: number
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o644)
    } catch (err: any) {
      if (err.code !== 'EINVAL') throw err
      this.disable(err)
      return false
    }
    try {
      let written: number
      try {
        written = await new Promise<number>((resolve, reject) => { write(fd, source, 0, source.length, 0, (err, n) => { if (err !== null) reject(err); else resolve(n) }) })
      } catch (err: any) {
        if (err.code !== 'EINVAL') throw err
        closeSync(fd)
        fd = -1
        rmSync(path, { force: true })
        this.disable(err)
        return false
      }
      if (written !== source.length) throw new Error(`short direct write: ${written} of ${source.length} bytes`)
      if (source.length !== length) ftruncateSync(fd, length)
      if (sync) await new Promise<void>((resolve, reject) => { fdatasync(fd, err => { if (err !== null) reject(err); else resolve() }) })
    } finally {
      if (fd >= 0) closeSync(fd)
    }
    return true
  }

  private disable (err: Error): void {
    if (!this.enabled) return
    this.enabled = false
    log('O_DIRECT refused (%s): blocks go through the page cache', err.message)
  }

  private async take (): Promise<Uint8Array> {
    if (this.slots.length === 0 && this.waiting.length === 0 && !this.allocated) this.allocate()
    const slot = this.slots.pop()
    if (slot !== undefined) return slot
    return await new Promise(resolve => { this.waiting.push(resolve) })
  }

  private give (slot: Uint8Array): void {
    const next = this.waiting.shift()
    if (next !== undefined) next(slot)
    else this.slots.push(slot)
  }

  private allocated = false

  /**
   * The slots, made on the first direct write as one memory (one address-space reservation);
   * its pages become resident only as blocks are copied in.
   */
  private allocate (): void {
    const memory = alignedMemory(STAGING_SLOTS * SLOT_BYTES)
    for (let i = 0; i < STAGING_SLOTS; i++) this.slots.push(new Uint8Array(memory, i * SLOT_BYTES, SLOT_BYTES))
    this.allocated = true
  }
}
