/**
 * Chunk-sized buffers a fetch lends to its requests and takes back once a chunk is written, so
 * a fetch allocates about as many buffers as it ever has chunks in flight or being written
 * (bounded by the window) instead of one per chunk plus one per transport piece.
 */
export class ChunkBuffers {
  private readonly size: number
  private readonly free: Uint8Array[] = []

  constructor (chunkSize: number) {
    this.size = chunkSize
  }

  /** A buffer of `length` (≤ the chunk size) bytes; its contents are stale. */
  take (length: number): Uint8Array {
    // a buffer of its own (not a slice of Node's shared pool), so giving it back frees nothing else
    const whole = this.free.pop() ?? new Uint8Array(this.size)
    return whole.subarray(0, length)
  }

  /** Takes back a buffer from take() that nothing reads or writes any more. */
  give (buffer: Uint8Array): void {
    if (buffer.buffer.byteLength === this.size) this.free.push(new Uint8Array(buffer.buffer, 0, this.size))
  }
}
