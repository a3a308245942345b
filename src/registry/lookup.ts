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
 * Valid records a lookup collects before it stops the query. kad-dht's `get` waits for the whole
 * Kademlia query to end; a record is held by the ~20 peers closest to its key, so the first few
 * answers already come from them. Three (this node's copy counts) outvote one stale holder, and
 * the selector picks the highest sequence among them.
 */
export const RESOLVE_QUORUM = 3

export interface LookupContext {
  dht: KadDHT
  datastore: Datastore
  trustStore: ChainContext
  marks: SequenceMarks
  now: Date
}

/**
 * Resolves a name's record: this node's stored copy plus records from the DHT query until
 * RESOLVE_QUORUM were collected (or the query ends), each verified as the validator does and
 * checked against the rollback mark; the best by the selector's rule wins. PackageNotFoundError
 * when none was found or none verified (then with the first refusal as its cause).
 */
export async function lookupRecord (name: string, context: LookupContext, signal: AbortSignal): Promise<VerifiedRecord> {
  const key = recordKey(name)
  const found: Uint8Array[] = []
  try {
    found.push(await dhtGetLocal(context.datastore, key))
  } catch (err: any) {
    if (err.name !== 'DhtValueNotFoundError') throw err
  }
  const enough = new AbortController()
  const querySignal = anySignal([signal, enough.signal])
  try {
    for await (const event of context.dht.get(key, { signal: querySignal })) {
      // kad-dht turns a record its validator refused into a QUERY_ERROR, so these passed it
      const value = event.name === 'PEER_RESPONSE' ? event.record?.value : event.name === 'VALUE' ? event.value : undefined
      if (value === undefined) continue
      found.push(value)
      if (found.length >= RESOLVE_QUORUM) {
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
  if (found.length === 0) throw new PackageNotFoundError(name)
  const verified: VerifiedRecord[] = []
  let firstError: unknown
  for (const bytes of found) {
    try {
      const record = verifyRecord(bytes, { trustStore: context.trustStore, at: context.now, name })
      context.marks.check(name, record.body.sequence)
      verified.push(record)
    } catch (err) {
      firstError ??= err
    }
  }
  if (verified.length === 0) throw new PackageNotFoundError(name, { cause: firstError })
  return verified[selectBestRecord(verified.map(r => r.bytes))]
}
