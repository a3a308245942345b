import type { FastifyInstance } from 'fastify'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import type { HyperMeshNode } from '../../node/index.ts'
import { BadRequestError } from '../errors.ts'
import { API_PREFIX } from '../server.ts'

export const VERSION = '0.1.0'

/** How a connection travels, as users name it. */
export function transportOf (conn: Connection): string {
  const s = conn.remoteAddr.toString()
  if (s.includes('/quic-v1')) return 'quic'
  if (s.includes('/p2p-circuit')) return 'relay'
  if (s.includes('/tcp/')) return 'tcp'
  return 'other'
}

function describeConnection (conn: Connection) {
  return {
    peerId: conn.remotePeer.toString(),
    address: conn.remoteAddr.toString(),
    transport: transportOf(conn),
    direction: conn.direction,
    openedAt: new Date(conn.timeline.open).toISOString()
  }
}

export interface NodeRoutesInit {
  node: HyperMeshNode<any>
  /** Called after the shutdown response is sent. */
  shutdown: () => void
}

/** Node identity, status, peers, connect and shutdown. */
export function nodeRoutes (app: FastifyInstance, { node, shutdown }: NodeRoutesInit): void {
  const libp2p = node.libp2p

  app.get(`${API_PREFIX}/id`, async () => ({
    peerId: node.peerId,
    addresses: libp2p.getMultiaddrs().map(String),
    protocols: libp2p.getProtocols(),
    agentVersion: `hypermesh/${VERSION}`
  }))

  app.get(`${API_PREFIX}/status`, async () => ({
    peerId: node.peerId,
    version: VERSION,
    status: libp2p.status,
    uptimeSeconds: Math.round((Date.now() - node.startedAt) / 1000),
    connections: libp2p.getConnections().length,
    peers: libp2p.getPeers().length,
    // routingTablePeers: peers the DHT can query; connections count before identify admits them
    dht: { mode: await libp2p.services.dht.getMode(), protocol: node.config.dht.protocol, routingTablePeers: routingTableSize(libp2p.services.dht) },
    addresses: libp2p.getMultiaddrs().map(String)
  }))

  app.get(`${API_PREFIX}/peers`, async () => ({
    peers: libp2p.getConnections().map(describeConnection)
  }))

  app.post(`${API_PREFIX}/connect`, async (request) => {
    const body = request.body as { multiaddr?: unknown, force?: unknown } | undefined
    if (typeof body?.multiaddr !== 'string') {
      throw new BadRequestError('body must be {"multiaddr": "/ip4/.../p2p/..."}')
    }
    let addr
    try {
      addr = multiaddr(body.multiaddr)
    } catch (err: any) {
      throw new BadRequestError(`not a multiaddr: ${err.message}`, { code: 'INVALID_MULTIADDR' })
    }
    // `force` opens a new connection even when one to the peer exists (e.g. to try QUIC as well)
    const conn = await libp2p.dial(addr, { force: body.force === true, signal: AbortSignal.timeout(node.config.connections.dialTimeoutMs) })
    return describeConnection(conn)
  })

  app.post(`${API_PREFIX}/shutdown`, async (_request, reply) => {
    reply.raw.on('finish', () => { setImmediate(shutdown) })
    return { stopping: true }
  })

  app.get('/metrics', async (_request, reply) => {
    const conns = libp2p.getConnections()
    const byTransport = new Map<string, number>()
    for (const c of conns) byTransport.set(transportOf(c), (byTransport.get(transportOf(c)) ?? 0) + 1)
    const lines = [
      '# HELP hypermesh_uptime_seconds Seconds since the daemon started.',
      '# TYPE hypermesh_uptime_seconds gauge',
      `hypermesh_uptime_seconds ${Math.round((Date.now() - node.startedAt) / 1000)}`,
      '# HELP hypermesh_connections Open libp2p connections by transport.',
      '# TYPE hypermesh_connections gauge',
      ...[...byTransport].map(([t, n]) => `hypermesh_connections{transport="${t}"} ${n}`),
      '# HELP hypermesh_peers Connected peers.',
      '# TYPE hypermesh_peers gauge',
      `hypermesh_peers ${libp2p.getPeers().length}`
    ]
    reply.type('text/plain; version=0.0.4')
    return lines.join('\n') + '\n'
  })
}

/** The kad-dht routing table's size (the class exposes it; the KadDHT interface does not). */
function routingTableSize (dht: unknown): number {
  return (dht as { routingTable?: { size?: number } }).routingTable?.size ?? 0
}
