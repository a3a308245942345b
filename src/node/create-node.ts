import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { KEEP_ALIVE } from '@libp2p/interface'
import type { Libp2p, PrivateKey, ServiceMap } from '@libp2p/interface'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import type { KadDHT, Validators, Selectors } from '@libp2p/kad-dht'
import { logger } from '@libp2p/logger'
import { preSharedKey } from '@libp2p/pnet'
import { ping } from '@libp2p/ping'
import type { Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import { createLibp2p } from 'libp2p'
import type { Config } from './config.ts'
import { selectTestRecord, TEST_NAMESPACE, validateTestRecord } from './dht-test-records.ts'
import { CONNECTION_PING_INTERVAL_MS, CONNECTION_PING_MIN_TIMEOUT_MS } from './defaults.ts'
import { fastNoise } from '../transfer/index.ts'

const log = logger('hypermesh:node')

export interface CoreServices extends ServiceMap {
  identify: unknown
  ping: Ping
  dht: KadDHT
}

export interface CreateNodeOptions<S extends ServiceMap = ServiceMap> {
  config: Config
  /** The persisted identity; without it libp2p v3 would make a new PeerId at every start. */
  privateKey: PrivateKey
  /** The data dir's LevelDB: peer store, DHT records and provider records survive a restart. */
  datastore: Datastore
  /** DHT validators for other namespaces (the registry adds its own). */
  validators?: Validators
  selectors?: Selectors
  /**
   * A pre-shared key (`/key/swarm/psk/1.0.0/` format): only peers holding it can connect. It
   * protects TCP only: QUIC brings its own TLS and skips libp2p's connection protector, so in
   * private mode QUIC is switched off rather than left open as a way around the key.
   */
  swarmKey?: Uint8Array
  /** More libp2p services (STOQ, registry, consensus, ...), keyed by name. */
  services?: { [K in keyof S]: (components: any) => S[K] }
}

export type HyperMeshLibp2p<S extends ServiceMap = ServiceMap> = Libp2p<CoreServices & S>

/**
 * Builds (does not start) the libp2p node: TCP + QUIC, Noise, Yamux, identify, ping and a
 * private Kademlia DHT in server mode. `passthroughMapper` keeps loopback and private addresses
 * in the routing table: our meshes run on one host or a LAN as often as across the internet.
 */
export async function buildLibp2p<S extends ServiceMap = ServiceMap> (options: CreateNodeOptions<S>): Promise<HyperMeshLibp2p<S>> {
  const { config } = options
  const isPrivate = options.swarmKey != null
  const listen = isPrivate ? config.listen.filter(a => !a.includes('/quic')) : config.listen
  const node = await createLibp2p({
    start: false,
    privateKey: options.privateKey,
    datastore: options.datastore,
    addresses: { listen, announce: config.announce },
    transports: isPrivate ? [tcp()] : [tcp(), quic()],
    ...(isPrivate ? { connectionProtector: preSharedKey({ psk: options.swarmKey! }) } : {}),
    // Noise with cipher key objects reused: on Node 24 the stock crypto makes a key object per
    // message, and STOQ over it measured 0.48× the bare stream against 0.68× with this one
    // (sender CPU per 256 MiB 2131 vs 1057 ms, bench:transfer), and X25519 is node:crypto's
    // rather than pure JS (handshakes were 12 % of a loaded mesh's CPU), and its own message
    // framing (src/transfer/noise-framing.ts: fewer writes, no copy of spanning messages); the
    // wire is unchanged
    connectionEncrypters: [fastNoise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: config.connections.max, dialTimeout: config.connections.dialTimeoutMs, allow: config.connections.allow },
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL_MS, pingTimeout: { minTimeout: CONNECTION_PING_MIN_TIMEOUT_MS } },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: config.dht.protocol,
        clientMode: config.dht.clientMode,
        disjointPaths: config.dht.disjointPaths,
        peerInfoMapper: passthroughMapper,
        validators: { [TEST_NAMESPACE]: validateTestRecord, ...options.validators },
        selectors: { [TEST_NAMESPACE]: selectTestRecord, ...options.selectors },
        // a node started alone (the first of a mesh) must still answer and store
        allowQueryWithZeroPeers: true
      }),
      ...(options.services ?? {})
    } as any
  })
  return node as unknown as HyperMeshLibp2p<S>
}

/**
 * Joins the mesh: dials the bootstrap peers (tagged keep-alive so libp2p redials them when they
 * drop) and up to `redialKnownPeers` peers remembered in the peer store from earlier runs. The
 * routing table is not persisted, so these dials are how a restarted node finds its place again.
 * Failures are logged, never thrown: a node whose peers are all down still starts.
 */
export async function joinMesh (node: Libp2p, config: Config, signal?: AbortSignal): Promise<{ connected: number }> {
  const targets: Array<{ addr?: Multiaddr, peer?: any, why: string }> = []
  for (const s of config.bootstrap) {
    const addr = multiaddr(s)
    const peerId = addr.getComponents().find(c => c.name === 'p2p')?.value
    if (peerId != null && peerId === node.peerId.toString()) continue
    targets.push({ addr, why: 'bootstrap' })
  }
  const known = (await node.peerStore.all()).filter(p => !p.id.equals(node.peerId) && p.addresses.length > 0)
  for (const p of known.slice(0, config.connections.redialKnownPeers)) {
    targets.push({ peer: p.id, why: 'known' })
  }
  let connected = 0
  await Promise.all(targets.map(async (t) => {
    try {
      const conn = await node.dial((t.addr ?? t.peer), { signal: signal ?? AbortSignal.timeout(config.connections.dialTimeoutMs) })
      connected++
      if (t.why === 'bootstrap') {
        await node.peerStore.merge(conn.remotePeer, { tags: { [KEEP_ALIVE]: { value: 1 } } })
      }
      log('joined via %s peer %p', t.why, conn.remotePeer)
    } catch (err: any) {
      log('could not dial %s peer %s: %s', t.why, (t.addr ?? t.peer)?.toString(), err.message)
    }
  }))
  return { connected }
}
