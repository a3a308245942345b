/**
 * Registry benchmark (not a test), two parts:
 *
 * 1. Real daemons (scripts/lib/registry-daemon-bench.ts): `--daemons` (default 20) `hypermesh
 *    daemon` processes on loopback with one mesh trust root; each round publishes a new package
 *    through the control API on a random daemon while a random other daemon asks for it
 *    (`/api/v1/registry/info`) from the same moment: publish → resolvable (target p95 < 250 ms at
 *    20 daemons), then timed lookups. `--daemons 0` skips it.
 * 2. An in-process Kademlia mesh over @libp2p/memory with our DHT protocol id, the real `/hmpkg`
 *    validator and selector (signed records, every one verified by every node that stores or
 *    returns it), for `--sizes` nodes (default 100, 250, 500). Its connections are plaintext
 *    (`--encrypter noise` for Noise): every node shares one thread, and what the simulation
 *    measures is routing (hops, rounds of requests), not handshakes; Noise made a 100-node join
 *    1.35x slower. The daemons of part 1 use Noise, as every real node does. For the same reason
 *    the nodes send no keep-alive pings and run no background walks (periodic self-query and
 *    routing-table refresh): a real node does those on its own machine, here they all shared one
 *    thread and were most of its work at 250 and 500 nodes. Nodes join with an explicit
 *    self-lookup (the Kademlia join) after dialling `--degree` random others. For each size: signed records are
 *    put from random nodes, then looked up from random other nodes. Reported: put latency and
 *    peers that stored the record; publish → resolvable (the put, then a random other node's
 *    lookup until its first valid record); lookup hops (the query-tree depth of the peer whose
 *    record was selected: peers from the node's own routing table are hop 1, peers they named are
 *    hop 2, ...); time to the first valid record; full `get` latency (until the query ends); and
 *    the target hops ≤ log2(n) + 2. `--sizes ''` skips it.
 *
 *   node scripts/bench-registry.ts [--daemons 20] [--rounds 20] [--daemon-lookups 100]
 *     [--sizes 100,250,500] [--records 20] [--lookups 100] [--degree 8] [--disjoint-paths 3] [--transport memory|tcp]
 *     [--encrypter plaintext|noise] [--json]
 *
 * Prints a table on stderr and one JSON document on stdout (with the host's load average: on a
 * shared 2-core box the figures move with it). `npm run bench:registry` gives this process
 * 32 MiB semi-spaces (fewer short-lived objects promoted made a 100-node run 115 s instead of
 * 125) and a 12 GiB heap limit: the simulation holds every node in one heap (2.5 MiB live per
 * node after the join, several times that between collections), and under V8's default limit
 * here (4.2 GiB) a 250-node run spent its time collecting and never finished its rounds.
 */
// first: settles the logger's colour question before libp2p loads (see the module)
import '../src/util/debug-colors.ts'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { plaintext } from '@libp2p/plaintext'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Libp2p } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { DEFAULT_DHT_DISJOINT_PATHS, DHT_PROTOCOL } from '../src/node/index.ts'
import { recordKey, RECORD_TYPE, registryDht, signRecord } from '../src/registry/index.ts'
import { cidOf, CBOR_CODEC, JSON_CODEC } from '../src/package/index.ts'
import { generateSigningKey, issueIntermediate, issuePublisher, issueRoot, TrustStore } from '../src/trust/index.ts'
import { inBatches, pct, pick, round } from './lib/bench-stats.ts'
import { runDaemonBench } from './lib/registry-daemon-bench.ts'
import type { DaemonBenchRow } from './lib/registry-daemon-bench.ts'

/** Nodes started or connected at once: bounds the burst of Noise handshakes on a 2-core box. */
const BATCH = 25
/** Longest self-lookup (the Kademlia join) per node. */
const JOIN_TIMEOUT_MS = 60_000
/**
 * Interval of each node's periodic self-query (kad-dht's default is 5 min). The simulation turns
 * the nodes' background walks off: it joins them with explicit self-lookups and then measures
 * lookups, and in one thread the background walks of hundreds of nodes were most of the load.
 */
const BACKGROUND_OFF_MS = 24 * 3_600_000
/** How long the mesh may take to settle after the self-lookups. */
const SETTLE_MS = 2_000

const { values: args } = parseArgs({
  options: {
    daemons: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '20' },
    'daemon-lookups': { type: 'string', default: '100' },
    sizes: { type: 'string', default: '100,250,500' },
    records: { type: 'string', default: '20' },
    lookups: { type: 'string', default: '100' },
    degree: { type: 'string', default: '8' },
    'disjoint-paths': { type: 'string', default: String(DEFAULT_DHT_DISJOINT_PATHS) },
    transport: { type: 'string', default: 'memory' },
    encrypter: { type: 'string', default: 'plaintext' },
    json: { type: 'boolean', default: false }
  }
})
if (args.encrypter !== 'plaintext' && args.encrypter !== 'noise') throw new Error(`--encrypter must be plaintext or noise, not ${args.encrypter}`)
const sizes = args.sizes.split(',').filter(x => x.trim() !== '').map(Number)
const RECORDS = Number(args.records)
const LOOKUPS = Number(args.lookups)
const DEGREE = Number(args.degree)

type Node = Libp2p<{ dht: KadDHT, identify: unknown }>


const rootKey = generateSigningKey().privateKey
const root = { certificate: await issueRoot({ subject: 'Bench Root', privateKey: rootKey }), privateKey: rootKey }
const ik = generateSigningKey()
const inter = { certificate: await issueIntermediate({ subject: 'Bench Intermediate', publicKey: ik.publicKey, issuer: root }), privateKey: ik.privateKey }
const pk = generateSigningKey()
const publisher = await issuePublisher({ subject: 'Bench Publisher', publicKey: pk.publicKey, issuer: inter, scope: { namePrefixes: ['bench.'], capabilities: [] } })
const trustStore = new TrustStore({ anchors: [root.certificate] })

function record (name: string): Uint8Array {
  const now = new Date()
  const seed = new TextEncoder().encode(name)
  return signRecord({
    body: {
      type: RECORD_TYPE, name, sequence: 1, issued: now.toISOString(), expires: new Date(now.getTime() + 3_600_000).toISOString(),
      versions: [{ version: '1.0.0', manifest: cidOf(JSON_CODEC, seed).toString(), root: cidOf(CBOR_CODEC, seed).toString(), size: 1, title: name, category: 'Bench', assets: ['Library'], capabilities: [], published: now.toISOString() }]
    },
    key: pk.privateKey,
    chain: [publisher, inter.certificate]
  })
}

async function makeNode (size: number, i: number): Promise<Node> {
  const dht = registryDht({ trustStore })
  const node = await createLibp2p({
    addresses: { listen: [args.transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/bench-${size}-${i}`] },
    transports: [args.transport === 'tcp' ? tcp() : memory()],
    // with Noise, its default crypto: fastNoiseCrypto speeds bulk transfer but makes handshakes ~2x slower
    connectionEncrypters: [args.encrypter === 'noise' ? noise() : plaintext()],
    streamMuxers: [yamux({ enableKeepAlive: false })],
    // every simulated node shares one host: libp2p's per-host inbound rate limit (5/s) and pending
    // limit (10) would otherwise refuse most dials and turn the benchmark into a timeout test
    connectionManager: { maxConnections: 10_000, inboundConnectionThreshold: Infinity, maxIncomingPendingConnections: 10_000 },
    // no keep-alive pings: an in-memory connection does not die silently, and with libp2p's
    // default (a ping stream per connection every 10 s) pings were the biggest single cost of a
    // 100-node mesh; at 250 nodes (~25k connections) even the daemon's one a minute, plus
    // yamux's keep-alive, took a third of the process while the rounds ran
    connectionMonitor: { enabled: false },
    services: {
      identify: identify(),
      // kad-dht pings routing-table contacts concurrently; ping's default of one outbound stream per
      // connection turns that into QUERY_ERRORs
      ping: ping({ maxOutboundStreams: 32, maxInboundStreams: 32 }),
      dht: kadDHT({ protocol: DHT_PROTOCOL, clientMode: false, disjointPaths: Number(args['disjoint-paths']), peerInfoMapper: passthroughMapper, validators: dht.validators, selectors: dht.selectors, allowQueryWithZeroPeers: true, querySelfInterval: BACKGROUND_OFF_MS })
    } as any
  })
  // the routing-table refresh (a walk per bucket, every 5 min) has no option: a real node runs it
  // on its own machine, but here every node's would share one thread — at 500 nodes ~4,000 walks
  // each 5 min, more than the whole join, which then took 15 min and timed queries out
  ;(node.services as any).dht.routingTableRefresh.refreshTable = () => {}
  return node as unknown as Node
}

/**
 * A put, counting the peers that answered PUT_VALUE with the record. (src/node's dhtPut also
 * counts a lookup-phase QUERY_ERROR, e.g. a failed ping, as a refusal by that peer.)
 */
async function put (node: Node, key: Uint8Array, value: Uint8Array): Promise<number> {
  const stored = new Set<string>()
  for await (const e of node.services.dht.put(key, value, { signal: AbortSignal.timeout(60_000) })) {
    if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') stored.add(e.from.toString())
  }
  return stored.size
}

/** One lookup: hops to the selected record's source, time to the first valid record, total time. */
async function lookup (node: Node, key: Uint8Array): Promise<{ hops: number, firstMs: number, totalMs: number, depth: number }> {
  const start = performance.now()
  const hop = new Map<string, number>()
  let firstMs = NaN
  let depth = 0
  let valueFrom: string | undefined
  for await (const e of node.services.dht.get(key, { signal: AbortSignal.timeout(60_000) })) {
    if (e.name === 'PEER_RESPONSE') {
      const from = e.from.toString()
      const h = hop.get(from) ?? 1
      hop.set(from, h)
      depth = Math.max(depth, h)
      for (const c of e.closer) if (!hop.has(c.id.toString())) hop.set(c.id.toString(), h + 1)
      if (e.record != null && Number.isNaN(firstMs)) firstMs = performance.now() - start
    } else if (e.name === 'VALUE') {
      valueFrom = e.from.toString()
    }
  }
  const totalMs = performance.now() - start
  if (valueFrom === undefined) throw new Error('no value found')
  const hops = valueFrom === node.peerId.toString() ? 0 : (hop.get(valueFrom) ?? 1)
  return { hops, firstMs, totalMs, depth }
}

const say = (msg: string): void => { process.stderr.write(msg + '\n') }
const load = { start: loadavg().map(round) }
const DAEMONS = Number(args.daemons)
let daemons: DaemonBenchRow | undefined
if (DAEMONS > 0) {
  daemons = await runDaemonBench({ nodes: DAEMONS, rounds: Number(args.rounds), lookups: Number(args['daemon-lookups']), say })
}
const afterDaemons = loadavg().map(round)

const results: any[] = []
for (const n of sizes) {
  const t0 = performance.now()
  const nodes: Node[] = []
  await inBatches(BATCH, [...Array(n).keys()], async i => { nodes[i] = await makeNode(n, i) })
  await inBatches(BATCH, nodes, async node => { await node.start() })
  // each node dials DEGREE random others: a connected random graph (the bootstrap)
  await inBatches(BATCH, nodes, async node => {
    for (let d = 0; d < DEGREE; d++) {
      const other = pick(nodes, node)
      await node.dial(multiaddr(other.getMultiaddrs()[0].toString())).catch(() => {})
    }
  })
  process.stderr.write(`${n}: started and dialled in ${round((performance.now() - t0) / 1000)} s\n`)
  // the Kademlia join: every node looks itself up, filling its buckets beyond its direct links
  let joinFailures = 0
  await inBatches(BATCH, nodes, async node => {
    try {
      for await (const _ of node.services.dht.getClosestPeers(node.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(JOIN_TIMEOUT_MS) })) { /* drain */ }
    } catch {
      // a self-lookup that times out still filled the buckets with what it met
      joinFailures++
    }
  })
  process.stderr.write(`${n}: self-lookups done at ${round((performance.now() - t0) / 1000)} s\n`)
  await new Promise(resolve => setTimeout(resolve, SETTLE_MS))
  const setupMs = performance.now() - t0
  const tables = nodes.map(x => (x.services.dht as any).routingTable.size as number)

  const names: string[] = []
  const putMs: number[] = []
  const storedBy: number[] = []
  const resolvableMs: number[] = []
  let putFailures = 0
  for (let r = 0; r < RECORDS; r++) {
    const name = `bench.pkg-${n}-${r}`
    const value = record(name)
    const start = performance.now()
    const publisher = pick(nodes)
    try {
      storedBy.push(await put(publisher, recordKey(name), value))
    } catch {
      // a put whose query outlived its timeout: counted, and its record may still be found
      putFailures++
      continue
    }
    putMs.push(performance.now() - start)
    names.push(name)
    // publish → resolvable: the put, then a random other node's lookup until its first valid record
    const seen = await lookup(pick(nodes, publisher), recordKey(name)).catch(() => undefined)
    if (seen !== undefined && !Number.isNaN(seen.firstMs)) resolvableMs.push(putMs[putMs.length - 1] + seen.firstMs)
  }
  const hops: number[] = []
  const depth: number[] = []
  const firstMs: number[] = []
  const totalMs: number[] = []
  let failed = 0
  for (let l = 0; l < (names.length > 0 ? LOOKUPS : 0); l++) {
    try {
      const r = await lookup(pick(nodes), recordKey(pick(names)))
      hops.push(r.hops)
      depth.push(r.depth)
      if (!Number.isNaN(r.firstMs)) firstMs.push(r.firstMs)
      totalMs.push(r.totalMs)
    } catch {
      failed++
    }
  }
  const target = Math.log2(n) + 2
  const row = {
    nodes: n,
    setupS: round(setupMs / 1000),
    joinTimeouts: joinFailures,
    routingTable: { p50: pct(tables, 50), min: Math.min(...tables) },
    put: { p50Ms: round(pct(putMs, 50)), p95Ms: round(pct(putMs, 95)), storedByP50: pct(storedBy, 50), failed: putFailures },
    publishToResolvable: { p50Ms: round(pct(resolvableMs, 50)), p95Ms: round(pct(resolvableMs, 95)) },
    lookups: LOOKUPS,
    failed,
    hops: { p50: pct(hops, 50), p95: pct(hops, 95), max: Math.max(...hops), mean: round(hops.reduce((a, b) => a + b, 0) / hops.length) },
    queryDepth: { p50: pct(depth, 50), max: Math.max(...depth) },
    firstValue: { p50Ms: round(pct(firstMs, 50)), p95Ms: round(pct(firstMs, 95)) },
    getTotal: { p50Ms: round(pct(totalMs, 50)), p95Ms: round(pct(totalMs, 95)) },
    targetHops: round(target),
    meetsTarget: pct(hops, 95) <= target && failed === 0 && putFailures === 0
  }
  results.push(row)
  process.stderr.write(`${n} nodes (setup ${row.setupS} s, routing table p50 ${row.routingTable.p50}): put p50 ${row.put.p50Ms} ms p95 ${row.put.p95Ms} ms (stored by ${row.put.storedByP50}); publish→resolvable p50 ${row.publishToResolvable.p50Ms} ms p95 ${row.publishToResolvable.p95Ms} ms; ` +
    `lookup hops p50 ${row.hops.p50} p95 ${row.hops.p95} max ${row.hops.max} (target ≤ ${row.targetHops}), first value p50 ${row.firstValue.p50Ms} ms p95 ${row.firstValue.p95Ms} ms, ` +
    `full get p50 ${row.getTotal.p50Ms} ms p95 ${row.getTotal.p95Ms} ms, ${failed} failed\n`)
  await inBatches(BATCH, nodes, async node => { await node.stop() })
}
const table: string[][] = [['part', 'nodes', 'publish→resolvable p50 / p95 ms', 'lookup p50 / p95 ms', 'hops p50 / p95 / max', 'target', 'measured', 'pass']]
if (daemons !== undefined) {
  const r = daemons.publishToResolvable
  table.push(['daemons', String(daemons.daemons), `${r.p50Ms} / ${r.p95Ms}`, `${daemons.lookup.p50Ms} / ${daemons.lookup.p95Ms}`, '-', `p95 < ${r.targetP95Ms} ms`, `${r.p95Ms} ms (${daemons.failedRounds} of ${daemons.rounds} rounds failed)`, r.pass ? 'pass' : 'FAIL'])
}
for (const row of results) {
  table.push(['memory sim', String(row.nodes), `${row.publishToResolvable.p50Ms} / ${row.publishToResolvable.p95Ms}`, `${row.firstValue.p50Ms} / ${row.firstValue.p95Ms}`, `${row.hops.p50} / ${row.hops.p95} / ${row.hops.max}`, `hops ≤ ${row.targetHops}`, `p95 ${row.hops.p95}`, row.meetsTarget ? 'pass' : 'FAIL'])
}
const widths = table[0].map((_, c) => Math.max(...table.map(r => r[c].length)))
say('\n' + table.map(r => r.map((x, c) => x.padEnd(widths[c])).join('  ')).join('\n'))
process.stdout.write(JSON.stringify({
  bench: 'registry',
  loadAverage: { start: load.start, afterDaemons, end: loadavg().map(round) },
  daemons,
  simulation: { transport: args.transport, encrypter: args.encrypter, degree: DEGREE, records: RECORDS, results }
}, null, args.json ? 0 : 2) + '\n')
