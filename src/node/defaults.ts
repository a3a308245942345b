/**
 * Every default HyperMesh uses, in one place, each a named constant. `resolveConfig({})` returns
 * exactly these (pinned by test/node/config.spec.ts), so prose and code cannot drift apart.
 */

/** TCP and QUIC share one port number, kubo-style; 4201 avoids kubo's 4001 on the same host. */
export const DEFAULT_P2P_PORT = 4201

/**
 * Loopback by default: a node that listened on every interface would announce, and peers would
 * dial, whatever private addresses the host has. A deployment that wants peers from elsewhere sets
 * `listen` (the docker-compose file does).
 */
export const DEFAULT_LISTEN_HOST = '127.0.0.1'

export const DEFAULT_LISTEN = [
  `/ip4/${DEFAULT_LISTEN_HOST}/tcp/${DEFAULT_P2P_PORT}`,
  `/ip4/${DEFAULT_LISTEN_HOST}/udp/${DEFAULT_P2P_PORT}/quic-v1`
]

/** The control API only ever binds loopback unless configured otherwise; it holds a bearer token. */
export const DEFAULT_API_HOST = '127.0.0.1'
export const DEFAULT_API_PORT = 5201

/** Our own Kademlia protocol id keeps HyperMesh nodes off the public IPFS DHT. */
export const DHT_PROTOCOL = '/hypermesh/kad/1.0.0'

/**
 * Disjoint paths of a Kademlia query (S/Kademlia). kad-dht's default is its alpha (10): ten
 * paths that may not share a peer, each walking to the key with ten requests in flight, which
 * queried most of a 250-node mesh's neighbourhood per lookup and made the simulation's join take
 * 14 minutes. Three still tolerate a path through a lying peer (records are signed, so a liar can
 * only hide them) at a fraction of the requests; a mesh of up to K + 1 nodes asks every peer in
 * the first round either way.
 */
export const DEFAULT_DHT_DISJOINT_PATHS = 3

/** How many remembered peers a starting node re-dials; enough to rejoin, few enough to be quick. */
export const DEFAULT_REDIAL_KNOWN_PEERS = 16

/** The timeout for one outbound dial made on the user's behalf (connect, bootstrap, re-dial). */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000

/** Upper bound on the connection count; libp2p prunes above it. */
export const DEFAULT_MAX_CONNECTIONS = 300

/**
 * Peers on these networks skip libp2p's inbound limits (5 new connections per second per host,
 * 10 pending). Every node of a local mesh shares 127.0.0.1, so those limits refused most joins
 * and DHT dials there (ECONNRESET): a 20-daemon mesh's publish → resolvable took 17–30 s instead
 * of a fraction of one. A peer on loopback is another process of this host, which could do worse
 * than open connections; remote peers keep the limits.
 */
export const DEFAULT_CONNECTION_ALLOW = ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']

/** How long a graceful shutdown may take before the daemon exits anyway. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000

/** Where a data dir lives when neither --data-dir nor HYPERMESH_DATA_DIR says. */
export const DEFAULT_DATA_DIR_NAME = '.hypermesh'

/** Storage quota for the chunk store: the seed's 10 GiB. */
export const DEFAULT_STORE_QUOTA_BYTES = 10 * 1024 ** 3

/** Largest JSON body the control API accepts; DHT test values and manifests are far smaller. */
export const DEFAULT_API_BODY_LIMIT_BYTES = 1024 * 1024

/**
 * How often libp2p pings each connection (its default is 10 s). Each ping is a new stream, a
 * protocol negotiation and two peer-store writes on both ends; yamux keeps idle connections
 * alive on its own, so the monitor only has to find connections that died silently.
 */
export const CONNECTION_PING_INTERVAL_MS = 60_000

/**
 * The least time a connection ping may take before the connection is judged dead and closed.
 * libp2p's adaptive timeout may be as short as 5 s; on a busy host a late answer from a
 * live peer then closed the connection, the keep-alive tags redialled it, and every new connection's
 * handshake made the host busier: a 20-daemon mesh spent 12 % of its CPU on Noise handshakes
 * while publishing, with the load average at 14–49 on 2 cores.
 */
export const CONNECTION_PING_MIN_TIMEOUT_MS = 20_000
