/**
 * Block buffers one provider stream reads into and reuses once the getter has acknowledged the
 * answers they were sent in (a GET's `ack`, protocols/stoq/SPEC.md "Buffer reuse").
 *
 * Reading every block into a fresh 1 MiB buffer kept the garbage collector busy: a buffer lives
 * for the milliseconds its block takes to send, long enough to be promoted, and V8 counts the
 * promoted buffers' bytes towards the old generation, so a provider ran a full mark-compact
 * every few MiB served (64 MiB: 12 of them, 10–45 ms each; the bare stream's sender: none).
 *
 * A buffer is written over only once the getter said it has received the answer whole, which
 * it can only have done after the provider encrypted and sent every byte of it; a getter that
 * overstates its ack corrupts only its own answers on its own stream, which it then refuses.
 */
export class SendBuffers {
  private readonly max: number
  private readonly free: Uint8Array[] = []
  /** Buffers sent in answers the getter has not acknowledged yet, in answer order. */
  private readonly lent: Array<{ answer: number, buffer: Uint8Array }> = []
  /** The whole buffer behind each one this pool made. */
  private readonly ours = new Map<ArrayBufferLike, Uint8Array>()

  /** `max`: most buffers the pool keeps; past it, take() hands out buffers it forgets. */
  constructor (max: number) {
    this.max = max
  }

  /** A buffer of exactly `length` bytes; its contents are stale. */
  take (length: number): Uint8Array {
    const i = this.free.findIndex(b => b.length >= length)
    if (i !== -1) return this.free.splice(i, 1)[0].subarray(0, length)
    const buffer = new Uint8Array(length)
    if (this.ours.size < this.max) this.ours.set(buffer.buffer, buffer)
    return buffer
  }

  /** `buffer` (from take) went out as the stream's answer number `answer` (counting from 0). */
  sent (answer: number, buffer: Uint8Array): void {
    const whole = this.ours.get(buffer.buffer)
    if (whole !== undefined) this.lent.push({ answer, buffer: whole })
  }

  /** The getter has received the stream's first `count` answers whole. */
  acknowledged (count: number): void {
    while (this.lent.length > 0 && this.lent[0].answer < count) this.free.push(this.lent.shift()!.buffer)
  }
}
