import type { FastifyReply } from 'fastify'
import { toErrorBody } from './errors.ts'
import type { ProgressEvent } from '../util/progress.ts'

/**
 * Streams a long operation as NDJSON: one `{type, detail}` line per progress event, then one
 * `{result}` or `{error}` line. The status is 200 once streaming starts, so the last line is the
 * outcome; the CLI's `ApiClient.stream` reads it that way.
 */
export async function streamOperation<T> (reply: FastifyReply, op: (onProgress: (evt: ProgressEvent) => void, signal: AbortSignal) => Promise<T>): Promise<void> {
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' })
  const controller = new AbortController()
  // the client hanging up cancels the work: nobody is left to read its outcome
  res.on('close', () => { if (!res.writableFinished) controller.abort(new Error('client went away')) })
  const write = (obj: unknown): void => { if (!res.destroyed) res.write(JSON.stringify(obj) + '\n') }
  try {
    const result = await op((evt) => { write({ type: evt.type, detail: evt.detail }) }, controller.signal)
    write({ result })
  } catch (err) {
    write({ error: toErrorBody(err) })
  } finally {
    res.end()
  }
}
