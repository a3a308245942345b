import { logger } from '@libp2p/logger'
import type { PeerId, PeerStore } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

const log = logger('hypermesh:node:routing-table')

/**
 * Below this many peers in the routing table, connected DHT peers missing from it are re-admitted
 * (go-libp2p-kad-dht's `fixLowPeers` uses the same threshold, minRTRefreshThreshold).
 */
export const LOW_PEERS_THRESHOLD = 10
/** How often the table's size is checked; a check of a full enough table costs one property read. */
export const FEED_INTERVAL_MS = 5_000

/** The kad-dht 16 routing table methods the feeder uses (not part of the KadDHT interface). */
interface RoutingTable {
  size: number
  find: (peer: PeerId) => Promise<unknown>
  add: (peer: PeerId) => Promise<void>
}

/** The slices of libp2p the feeder uses. */
export interface FeederComponents {
  dht: KadDHT
  peerStore: PeerStore
  getConnections: () => Array<{ remotePeer: PeerId, status: string }>
}

export interface RoutingTableFeeder {
  /** One pass: re-admits connected DHT peers the table lacks, if it is small; resolves with how many joined it. */
  feed: () => Promise<number>
  stop: () => void
}

/**
 * Keeps a small routing table fed from the node's connections, as go-libp2p-kad-dht does.
 *
 * kad-dht 16 puts a newly connected peer in the routing table only after one ping answers within
 * its adaptive timeout (2 s at first), once per connection: no retry, and a peer that sends us
 * requests is never added for it (only answers to our own queries add peers). A node whose first
 * pings timed out, as when a whole mesh starts at once on a loaded host, kept an empty routing
 * table: it answered others but could ask no one, until a connection was replaced. Each pass here
 * asks kad-dht to add every connected peer that speaks our DHT protocol and is missing from the
 * table; kad-dht pings it first, as for any new contact.
 */
export function startRoutingTableFeeder (components: FeederComponents, protocol: string, options: { intervalMs?: number, threshold?: number } = {}): RoutingTableFeeder {
  const threshold = options.threshold ?? LOW_PEERS_THRESHOLD
  const table = (components.dht as unknown as { routingTable?: Partial<RoutingTable> }).routingTable
  if (typeof table?.find !== 'function' || typeof table.add !== 'function') {
    // another kad-dht version: nothing to feed through, and kad-dht's own admission still runs
    log('routing table internals not found; feeder off')
    return { feed: async () => 0, stop: () => {} }
  }
  const rt = table as RoutingTable
  let running: Promise<number> | undefined
  let stopped = false

  const pass = async (): Promise<number> => {
    if (rt.size >= threshold) return 0
    const before = rt.size
    const seen = new Set<string>()
    for (const conn of components.getConnections()) {
      if (stopped) break
      const key = conn.remotePeer.toString()
      if (conn.status !== 'open' || seen.has(key)) continue
      seen.add(key)
      try {
        if (await rt.find(conn.remotePeer) != null) continue
        const peer = await components.peerStore.get(conn.remotePeer)
        if (!peer.protocols.includes(protocol)) continue
        await rt.add(conn.remotePeer)
      } catch (err: any) {
        log('could not re-admit %p: %s', conn.remotePeer, err.message)
      }
    }
    const joined = Math.max(0, rt.size - before)
    if (joined > 0) log('re-admitted %d connected peer(s) to the routing table (%d now)', joined, rt.size)
    return joined
  }

  const feed = async (): Promise<number> => {
    // one pass at a time: a slow ping must not stack passes behind it
    running ??= pass().finally(() => { running = undefined })
    return await running
  }

  const timer = setInterval(() => { void feed() }, options.intervalMs ?? FEED_INTERVAL_MS)
  timer.unref()
  return {
    feed,
    stop: () => { stopped = true; clearInterval(timer) }
  }
}
