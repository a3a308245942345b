import { logger } from '@libp2p/logger'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import {
  CATALOG_PROTOCOL, CATALOG_TIMEOUT_MS, MAX_CATALOG_PAGE, MAX_CATALOG_REQUEST_BYTES, MAX_CATALOG_RESPONSE_BYTES
} from './constants.ts'
import { CATALOG_STATUS, decodeCatalogRequest, decodeCatalogResponse, encodeCatalogMessage } from './catalog-wire.ts'
import type { CatalogRequest } from './catalog-wire.ts'
import { CatalogProtocolError } from './errors.ts'
import { matchesFilter } from './filter.ts'
import { decodeRecord } from './record.ts'

const log = logger('hypermesh:registry:catalog')

/** Most pages a client reads from one peer: MAX_CATALOG_PAGE × this bounds one search's work per peer. */
export const MAX_CATALOG_PAGES = 16
/** Concurrent inbound catalog streams per connection; a catalog answer is one short exchange. */
const MAX_INBOUND_CATALOG_STREAMS = 4

/** The registrar slice the catalog server needs. */
export interface CatalogRegistrar {
  handle: (protocol: string, handler: (stream: Stream, connection: Connection) => void | Promise<void>, options?: { maxInboundStreams?: number }) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
}

/** The dialling slice the catalog client needs. */
export interface CatalogDialer {
  dialProtocol: (peer: PeerId, protocol: string, options?: { signal?: AbortSignal }) => Promise<Stream>
}

/** Serves this node's own published records (DHT values), read fresh per request. */
export async function startCatalogServer (registrar: CatalogRegistrar, records: () => Promise<Map<string, Uint8Array>>): Promise<() => Promise<void>> {
  await registrar.handle(CATALOG_PROTOCOL, async (stream, connection) => {
    const signal = AbortSignal.timeout(CATALOG_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: MAX_CATALOG_REQUEST_BYTES })
    try {
      let request: CatalogRequest
      try {
        request = decodeCatalogRequest((await lp.read({ signal })).subarray())
      } catch (err: any) {
        log('bad request from %p: %s', connection.remotePeer, err.message)
        await lp.write(encodeCatalogMessage({ v: 1, status: CATALOG_STATUS.BAD_REQUEST, records: [], more: false }), { signal })
        await stream.close({ signal })
        return
      }
      const page = selectPage(await records(), request)
      await lp.write(encodeCatalogMessage({ v: 1, status: CATALOG_STATUS.OK, ...page }), { signal })
      await stream.close({ signal })
    } catch (err: any) {
      log('catalog stream from %p failed: %s', connection.remotePeer, err.message)
      stream.abort(err)
    }
  }, { maxInboundStreams: MAX_INBOUND_CATALOG_STREAMS })
  return async () => { await registrar.unhandle(CATALOG_PROTOCOL) }
}

/** The records after `request.after`, sorted by name, matching the request's narrowing, within the page and byte limits. */
function selectPage (all: Map<string, Uint8Array>, request: CatalogRequest): { records: Uint8Array[], more: boolean } {
  const limit = request.limit ?? MAX_CATALOG_PAGE
  const names = [...all.keys()].filter(n => request.after === undefined || n > request.after).sort()
  const records: Uint8Array[] = []
  let bytes = 0
  for (let i = 0; i < names.length; i++) {
    const value = all.get(names[i]) as Uint8Array
    if (!matchesOwn(value, request)) continue
    if (records.length === limit || bytes + value.length > MAX_CATALOG_RESPONSE_BYTES - 1024) return { records, more: true }
    records.push(value)
    bytes += value.length
  }
  return { records, more: false }
}

function matchesOwn (value: Uint8Array, request: CatalogRequest): boolean {
  if (request.type === undefined && request.category === undefined && request.text === undefined) return true
  // our own records decode; one that does not is served unfiltered and judged by the client
  try {
    return matchesFilter(decodeRecord(value).body, request)
  } catch {
    return true
  }
}

/**
 * Reads a peer's catalog page by page (at most MAX_CATALOG_PAGES). Returns the raw record bytes:
 * the caller verifies each one, since a peer may serve anything.
 */
export async function queryCatalog (dialer: CatalogDialer, peer: PeerId, filter: Omit<CatalogRequest, 'v' | 'after' | 'limit'>, options: { signal?: AbortSignal } = {}): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_CATALOG_PAGES; page++) {
    const signal = AbortSignal.any([AbortSignal.timeout(CATALOG_TIMEOUT_MS), ...(options.signal !== undefined ? [options.signal] : [])])
    const stream = await dialer.dialProtocol(peer, CATALOG_PROTOCOL, { signal })
    const lp = lpStream(stream, { maxDataLength: MAX_CATALOG_RESPONSE_BYTES })
    let response
    try {
      await lp.write(encodeCatalogMessage({ v: 1, ...filter, ...(after !== undefined ? { after } : {}) }), { signal })
      response = decodeCatalogResponse((await lp.read({ signal })).subarray())
      await stream.close({ signal })
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
    if (response.status !== CATALOG_STATUS.OK) throw new CatalogProtocolError(`peer ${peer.toString()} answered catalog status ${response.status}`)
    out.push(...response.records)
    if (!response.more || response.records.length === 0) break
    after = lastName(response.records)
    if (after === undefined) break
  }
  return out
}

/** The name of the last record of a page, the paging cursor; undefined when it does not decode (stop paging). */
function lastName (records: Uint8Array[]): string | undefined {
  try {
    return decodeRecord(records[records.length - 1]).body.name
  } catch (err: any) {
    log('cannot page past an undecodable record: %s', err.message)
    return undefined
  }
}
