import * as lp from 'it-length-prefixed'
import type { Stream } from '@libp2p/interface'
import { MAX_FRAME_BYTES } from './constants.ts'
import { decodeBody, encodeFrame } from './wire.ts'
import type { Message } from './wire.ts'
import { StreamClosedError } from './errors.ts'

/**
 * Writes a message with backpressure: `send` buffers and returns false when the stream's send
 * buffer is full; we then wait for 'drain' (not `onDrain()`, which in @libp2p/utils 7.4 resolves
 * at once after the first drain and so lets a sender buffer without limit).
 */
export async function writeMessage (stream: Stream, msg: Message, signal?: AbortSignal): Promise<void> {
  for (const part of encodeFrame(msg)) {
    if (!stream.send(part)) await drained(stream, signal)
  }
}

/** Resolves on the stream's next 'drain'; rejects if it closes or `signal` fires first. */
export function drained (stream: Stream, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = (): void => { done(); resolve() }
    const onClose = (): void => { done(); reject(new StreamClosedError('stream closed while waiting to send')) }
    const onAbort = (): void => { done(); reject(signal?.reason) }
    if (signal?.aborted === true) { reject(signal.reason); return }
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}

/**
 * Reads messages. Iterating a v3 stream has no backpressure, so memory is bounded by the
 * protocol instead: a getter never has more than its window of blocks unanswered, and a
 * provider answers one request at a time. Oversize frames are refused before they are buffered.
 */
export async function * readMessages (stream: Stream): AsyncGenerator<Message> {
  for await (const frame of lp.decode(stream, { maxDataLength: MAX_FRAME_BYTES })) {
    yield decodeBody(frame)
  }
}
