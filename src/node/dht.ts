import { setTimeout as sleep } from 'node:timers/promises'
import type { PeerId } from '@libp2p/interface'
import type { KadDHT, QueryEvent } from '@libp2p/kad-dht'
import { sha256 } from 'multiformats/hashes/sha2'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { toString as u8ToString } from 'uint8arrays/to-string'
import { HyperMeshError } from '../util/errors.ts'
import type { OperationOptions } from '../util/progress.ts'
import { CustomProgressEvent } from '../util/progress.ts'

/**
 * Peers a put sends the record to at once, from this node's own routing table, while its
 * Kademlia walk looks for the closest peers: kad-dht's K. A mesh that small is all in the table,
 * so the record reaches every node one round trip after the put starts instead of after the
 * walk (a whole round of FIND_NODE to every peer) ends.
 */
export const DIRECT_PUT_PEERS = 20

/** Puts made while the routing table is empty before a put reports that no peer stored it. */
const EMPTY_TABLE_ATTEMPTS = 4
/** Pause between those puts. */
const EMPTY_TABLE_RETRY_MS = 500

/** A DHT put that no peer stored: kad-dht does not fail the put itself, so we do. */
export class DhtPutRejectedError extends HyperMeshError {}
/** No value under the key, locally or from any peer asked. */
export class DhtValueNotFoundError extends HyperMeshError {}

export interface PutResult {
  /** Peers that answered the PUT_VALUE with the same record. */
  acceptedBy: string[]
  /** Peers that refused it (their validator rejected it, or the stream failed). */
  rejectedBy: Array<{ peer: string, error: string }>
}

export type DhtProgressEvents =
  CustomProgressEvent<{ peer: string }, 'dht:put:accepted'> |
  CustomProgressEvent<{ peer: string, error: string }, 'dht:put:rejected'>

/**
 * Puts a record and counts who actually stored it. A remote validator's rejection arrives only as
 * a QUERY_ERROR event, so a put "succeeds" even when every peer refused: here that is an error
 * unless `allowZeroPeers` (a mesh of one).
 */
export interface DhtPutOptions extends OperationOptions<DhtProgressEvents> {
  /** A mesh of one: no peer storing the record is no error. */
  allowZeroPeers?: boolean
  /**
   * Called once the record has gone to the peers this node already knows as closest (before the
   * walk for closer ones): work that should not compete with those sends for the CPU, such as
   * the provides of a publish, can start then. Called at most once.
   */
  onSent?: () => void
}

export async function dhtPut (dht: KadDHT, key: Uint8Array, value: Uint8Array, options: DhtPutOptions = {}): Promise<PutResult> {
  const accepted = new Set<string>()
  const rejected = new Map<string, string>()
  // the put first looks up the closest peers (its errors, a failed ping say, are no refusal),
  // then sends PUT_VALUE to each of them: only errors from a peer sent the record count
  const targets = new Set<string>()
  const count = (event: QueryEvent): void => {
    if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') {
      targets.add(event.to.toString())
    } else if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') {
      accepted.add(event.from.toString())
    } else if (event.name === 'QUERY_ERROR' && targets.has(event.from.toString())) {
      rejected.set(event.from.toString(), event.error?.message ?? 'unknown error')
    }
  }
  const kad = kadInternals(dht)
  let sent = false
  const onSent = (): void => {
    if (sent) return
    sent = true
    options.onSent?.()
  }
  for (let attempt = 1; ; attempt++) {
    if (kad === undefined) {
      for await (const event of dht.put(key, value, { signal: options.signal })) count(event)
    } else {
      await putDirectThenWalk(dht, kad, key, value, count, onSent, options.signal)
    }
    // connected yet sent to nobody: the routing table is still empty (a node just started, its
    // peers not yet admitted by identify), which passes in a moment
    if (targets.size > 0 || options.allowZeroPeers === true || attempt === EMPTY_TABLE_ATTEMPTS) break
    await sleep(EMPTY_TABLE_RETRY_MS, undefined, { signal: options.signal })
  }
  onSent()
  // a peer that answered but then had an error logged (value not stored as sent) did not accept
  for (const peer of rejected.keys()) accepted.delete(peer)
  const result: PutResult = {
    acceptedBy: [...accepted],
    rejectedBy: [...rejected].map(([peer, error]) => ({ peer, error }))
  }
  for (const peer of result.acceptedBy) options.onProgress?.(new CustomProgressEvent('dht:put:accepted', { peer }))
  for (const r of result.rejectedBy) options.onProgress?.(new CustomProgressEvent('dht:put:rejected', r))
  if (result.acceptedBy.length === 0 && options.allowZeroPeers !== true) {
    throw new DhtPutRejectedError(`record was accepted by 0 peers (${result.rejectedBy.length} refused)`, {
      hint: result.rejectedBy.length > 0 ? `first refusal: ${result.rejectedBy[0].error}` : 'is the node connected to the mesh? see `hypermesh peers`'
    })
  }
  return result
}

/** The kad-dht internals a direct put uses (@libp2p/kad-dht 16: its routing table, network and datastore). */
interface KadInternals {
  routingTable: { closestPeers: (kadId: Uint8Array, options: { count: number }) => PeerId[] }
  network: { sendRequest: (to: PeerId, msg: { type: 'PUT_VALUE', key: Uint8Array, record: Uint8Array }, options: { signal?: AbortSignal }) => AsyncIterable<QueryEvent> }
  components: { datastore: Datastore }
}

function kadInternals (dht: KadDHT): KadInternals | undefined {
  const kad = dht as unknown as Partial<KadInternals>
  if (kad.routingTable?.closestPeers == null || kad.network?.sendRequest == null || kad.components?.datastore == null) return undefined
  return kad as KadInternals
}

/**
 * kad-dht's put, with the record sent first to the DIRECT_PUT_PEERS peers of this node's routing
 * table closest to the key, all at once, and then the Kademlia walk for the closest peers of the
 * whole mesh; the walk's peers that were not sent it already get it when the walk ends. The walk
 * waits for the direct sends: run together they compete for the CPU, and on a loaded host the
 * walk's own round of FIND_NODE delayed the record reaching the peers it was already addressed
 * to (against one round trip more for the walk on an idle one). Every peer validates the record
 * as it would any put; answers are counted by `count`. Like kad-dht's put, this node keeps a
 * copy (it answers queries for the key from it).
 */
async function putDirectThenWalk (dht: KadDHT, kad: KadInternals, key: Uint8Array, value: Uint8Array, count: (event: QueryEvent) => void, onSent: () => void, signal?: AbortSignal): Promise<void> {
  const record = new DhtRecord(key, value, new Date()).serialize()
  await kad.components.datastore.put(recordDatastoreKey(key), record, { signal })
  const sent = new Set<string>()
  const send = async (peers: PeerId[]): Promise<void> => {
    const fresh = peers.filter(p => !sent.has(p.toString()))
    for (const p of fresh) sent.add(p.toString())
    await Promise.all(fresh.map(async peer => {
      for await (const event of kad.network.sendRequest(peer, { type: 'PUT_VALUE', key, record }, { signal })) count(event)
    }))
  }
  const kadId = (await sha256.digest(key)).digest
  const walk = async (): Promise<void> => {
    const closest: PeerId[] = []
    // the walk's own errors (a peer that did not answer FIND_NODE) are no refusal of the record
    for await (const event of dht.getClosestPeers(key, { signal })) {
      if (event.name === 'FINAL_PEER') closest.push(event.peer.id)
    }
    await send(closest)
  }
  await send(kad.routingTable.closestPeers(kadId, { count: DIRECT_PUT_PEERS }))
  onSent()
  await walk()
}

/** Gets the best value for a key (local record or peers', chosen by the namespace's selector). */
export async function dhtGet (dht: KadDHT, key: Uint8Array, options: OperationOptions = {}): Promise<Uint8Array> {
  let found: Uint8Array | undefined
  try {
    for await (const event of dht.get(key, { signal: options.signal })) {
      if (event.name === 'VALUE') {
        found = event.value
      }
    }
  } catch (err: any) {
    if (found == null && err.name !== 'NotFoundError') throw err
  }
  if (found == null) throw new DhtValueNotFoundError(`no value found for ${u8ToString(key)}`)
  return found
}

/** kad-dht keeps records under `/dht/record/<base32 key>` in the node's datastore. */
const KAD_RECORD_PREFIX = '/dht/record'

function recordDatastoreKey (key: Uint8Array): Key {
  return new Key(`${KAD_RECORD_PREFIX}/${u8ToString(key, 'base32')}`, false)
}

/**
 * Reads a record from this node's own datastore only, without asking the network. This is what
 * proves a record survived a restart: it was on disk, not re-fetched from a peer.
 */
export async function dhtGetLocal (datastore: Datastore, key: Uint8Array): Promise<Uint8Array> {
  try {
    return DhtRecord.deserialize(await datastore.get(recordDatastoreKey(key))).value
  } catch (err: any) {
    if (err.name === 'NotFoundError') throw new DhtValueNotFoundError(`no local value for ${u8ToString(key)}`)
    throw err
  }
}

