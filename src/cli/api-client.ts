import { readApiFile, readApiToken } from '../node/files.ts'
import { HyperMeshError } from '../util/errors.ts'
import type { ApiClient } from './context.ts'

/** The daemon's API could not be reached. */
export class DaemonNotRunningError extends HyperMeshError {}
/** The daemon answered with an error; `code` is the API's stable error code. */
export class ApiRequestError extends HyperMeshError {
  readonly status: number
  constructor (status: number, body: { code?: string, message?: string, hint?: string }) {
    super(body.message ?? `HTTP ${status}`, { code: body.code ?? 'HTTP_' + status, hint: body.hint })
    this.status = status
  }
}

/**
 * A small client for the control API: finds the daemon through the data dir's `api.json` (or
 * `--api URL`), sends the bearer token, and turns error bodies back into named errors.
 */
export async function createApiClient (dataDir: string, apiUrl?: string): Promise<ApiClient> {
  const url = apiUrl ?? (await readApiFile(dataDir))?.url
  if (url == null) {
    throw new DaemonNotRunningError(`no daemon is running on ${dataDir}`, { hint: `start one with \`hypermesh daemon --data-dir ${dataDir}\`` })
  }
  const token = await readApiToken(dataDir)
  const headers = (body: boolean): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    ...(body ? { 'content-type': 'application/json' } : {})
  })

  const send = async (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> => {
    try {
      return await fetch(url + path, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), signal })
    } catch (err: any) {
      if (err.name === 'AbortError' || err.name === 'TimeoutError') throw err
      throw new DaemonNotRunningError(`cannot reach the daemon at ${url}: ${err.cause?.code ?? err.message}`, {
        cause: err,
        hint: `is it running? start it with \`hypermesh daemon --data-dir ${dataDir}\``
      })
    }
  }

  const failIfBad = async (res: Response): Promise<void> => {
    if (res.ok) return
    let body: any = {}
    try { body = await res.json() } catch {}
    throw new ApiRequestError(res.status, body)
  }

  return {
    url,
    async request (method, path, body, options = {}) {
      const res = await send(method, path, body, options.signal)
      await failIfBad(res)
      const type = res.headers.get('content-type') ?? ''
      return (type.includes('json') ? await res.json() : await res.text()) as any
    },
    async stream (method, path, body, onLine, options = {}) {
      const res = await send(method, path, body, options.signal)
      await failIfBad(res)
      if (res.body == null) throw new ApiRequestError(res.status, { message: 'empty stream' })
      const decoder = new TextDecoder()
      let buffered = ''
      let outcome: { result?: any, error?: any } | undefined
      const handle = (line: string): void => {
        if (line.trim() === '') return
        const msg = JSON.parse(line)
        if ('result' in msg || 'error' in msg) outcome = msg
        else onLine(msg)
      }
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true })
        let nl
        while ((nl = buffered.indexOf('\n')) >= 0) {
          handle(buffered.slice(0, nl))
          buffered = buffered.slice(nl + 1)
        }
      }
      handle(buffered)
      if (outcome == null) throw new ApiRequestError(502, { code: 'STREAM_ENDED', message: 'the daemon ended the stream without an outcome' })
      if (outcome.error != null) throw new ApiRequestError(200, outcome.error)
      return outcome.result
    }
  }
}
