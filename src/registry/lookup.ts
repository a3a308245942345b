import { logger } from '@libp2p/logger'
import type { KadDHT } from '@libp2p/kad-dht'
import { anySignal } from 'any-signal'
import type { Datastore } from 'interface-datastore'
import { dhtGetLocal } from '../node/index.ts'
import type { ChainContext } from '../trust/index.ts'
import { PackageNotFoundError } from './errors.ts'
import type { SequenceMarks } from './marks.ts'
import { recordKey } from './record.ts'
import { selectBestRecord } from './validator.ts'
import { verifyRecord } from './verify-record.ts'
import type { VerifiedRecord } from './verify-record.ts'

const log = logger('hypermesh:registry:lookup')

/**
 * Valid answers from peers a lookup waits for when this node knows no sequence of the name (no
 * copy, no rollback mark): two independent holders, so one stale holder alone does not decide.
 * kad-dht's `get` waits for the whole Kademlia query to end, and a name's ~20 closest peers
 * all hold its record, so the first answers come from them and the rest adds only latency.
 */
export const RESOLVE_QUORUM = 2

export interface LookupContext {
  dht: KadDHT
  datastore: Datastore
  trustStore: ChainContext
  marks: SequenceMarks
  now: Date
}

/**
 * Resolves a name's record from this node's stored copy and the DHT query, verifying each record
 * as it arrives (as the validator does, plus the rollback mark). The query stops at the first
 * peer's valid record at least as new as the newest sequence this node knew when the lookup
 * began (its copy or its mark): nothing newer is known to exist, and a peer confirmed it. A node
 * that knew nothing waits for RESOLVE_QUORUM answers (or the query's end); when no peer had it, its
 * own copy is read again, since a put may have delivered the record meanwhile. The best record by
 * the selector's rule wins. PackageNotFoundError when none was found or none verified (then with
 * the first refusal as its cause).
 */
export async function lookupRecord (name: string, context: LookupContext, signal: AbortSignal): Promise<VerifiedRecord> {
  const key = recordKey(name)
  const verified: VerifiedRecord[] = []
  let found = 0
  let firstError: unknown
  const accept = (bytes: Uint8Array): VerifiedRecord | undefined => {
    found++
    try {
      const record = verifyRecord(bytes, { trustStore: context.trustStore, at: context.now, name })
      context.marks.check(name, record.body.sequence)
      verified.push(record)
      return record
    } catch (err) {
      firstError ??= err
      return undefined
    }
  }
  // read before the query: kad-dht's validator raises the mark with every record the query brings
  let known = context.marks.get(name)
  const readLocal = async (): Promise<VerifiedRecord | undefined> => {
    try {
      return accept(await dhtGetLocal(context.datastore, key))
    } catch (err: any) {
      if (err.name !== 'DhtValueNotFoundError') throw err
      return undefined
    }
  }
  const local = await readLocal()
  if (local !== undefined) known = Math.max(known ?? 0, local.body.sequence)
  const enough = new AbortController()
  const querySignal = anySignal([signal, enough.signal])
  let answers = 0
  try {
    for await (const event of context.dht.get(key, { signal: querySignal })) {
      // a peer's answer to GET_VALUE (kad-dht turned one its validator refused into a
      // QUERY_ERROR); its closing VALUE event repeats a record already seen here or the local copy
      const value = event.name === 'PEER_RESPONSE' && event.messageName === 'GET_VALUE' ? event.record?.value : undefined
      if (value === undefined) continue
      const record = accept(value)
      if (record === undefined) continue
      answers++
      if (known !== undefined ? record.body.sequence >= known : answers >= RESOLVE_QUORUM) {
        enough.abort()
        break
      }
    }
  } catch (err: any) {
    if (signal.aborted) throw err
    // the query ending without a value, or failing after some were found, still leaves those
    if (!enough.signal.aborted) log('query for %s ended: %s %s', name, err.name, err.message)
  } finally {
    querySignal.clear()
  }
  // a put may have brought the record here while the query asked peers that did not have it yet
  // (a publisher sends it to its closest peers at once): this node's copy answers then
  if (verified.length === 0 && local === undefined && !signal.aborted) await readLocal()
  if (found === 0) throw new PackageNotFoundError(name)
  if (verified.length === 0) throw new PackageNotFoundError(name, { cause: firstError })
  return verified[selectBestRecord(verified.map(r => r.bytes))]
}
