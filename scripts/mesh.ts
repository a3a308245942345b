/**
 * `npm run mesh`: a local HyperMesh mesh on 127.0.0.1.
 *
 * Starts N daemons (default 3) as separate processes with their own data dirs and one mesh trust
 * root (every node a validator), joins them into one DHT through the first node, then runs the
 * main job: the `hello` extension is signed and published on the first node, found, fetched and
 * installed (with a consensus install proof) on the last, and called. It prints each node's id
 * and API URL and keeps running until Ctrl-C, when it stops them all cleanly.
 *
 *   npm run mesh                      # 3 nodes, data under ./.hypermesh-mesh
 *   npm run mesh -- --nodes 5
 *   npm run mesh -- --once            # run the demo, then stop (CI, smoke tests)
 */
import { parseArgs } from 'node:util'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { freePort, spawnDaemon, tcpAddr, waitFor } from './lib/daemon-process.ts'
import { prepareHelloPackage, runDemo, setupMeshTrust } from './lib/mesh-demo.ts'
import { initDataDir, loadIdentity } from '../src/node/index.ts'
import type { DaemonProcess } from './lib/daemon-process.ts'

/** Enough nodes to show routing through a bootstrap node; more with --nodes. */
const DEFAULT_NODES = 3
const JOIN_TIMEOUT_MS = 30_000

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: String(DEFAULT_NODES) },
    dir: { type: 'string', default: '.hypermesh-mesh' },
    once: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false }
  }
})
const count = Number(values.nodes)
if (!Number.isInteger(count) || count < 1 || count > 64) {
  process.stderr.write(`error: --nodes must be 1..64, got "${values.nodes}"\n`)
  process.exit(1)
}
const baseDir = resolve(values.dir!)
const say = (msg: string): void => { if (!values.json) process.stderr.write(msg + '\n') }
const nodes: DaemonProcess[] = []

async function stopAll (): Promise<void> {
  say('stopping the mesh...')
  const codes = await Promise.all(nodes.map(async n => n.stop()))
  say(`stopped ${codes.filter(c => c === 0).length}/${nodes.length} daemons cleanly`)
}

let stopping = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(130)
    stopping = true
    stopAll().then(() => process.exit(0), () => process.exit(1))
  })
}

try {
  await mkdir(baseDir, { recursive: true })
  const dirs = Array.from({ length: count }, (_, i) => join(baseDir, `node${i + 1}`))
  const identities = await Promise.all(dirs.map(async dataDir => {
    // ports are chosen once, at init: a restarted mesh keeps its addresses, so peers that
    // remember each other can dial again (libp2p only asks the DHT for peers it has no address of)
    const port = await freePort()
    const config = { api: { port: 0 }, listen: [`/ip4/127.0.0.1/tcp/${port}`, `/ip4/127.0.0.1/udp/${port}/quic-v1`] }
    await initDataDir(dataDir, { config }).catch((err) => { if (err.name !== 'DataDirExistsError') throw err })
    return { dataDir, peerId: (await loadIdentity(dataDir)).publicKey.toString() }
  }))
  say(`setting up the mesh trust root (${count} validators) under ${baseDir}`)
  const trust = await setupMeshTrust(baseDir, identities)
  say(`starting ${count} HyperMesh daemons`)
  const first = await spawnDaemon({ dataDir: dirs[0] })
  nodes.push(first)
  const rest = await Promise.all(Array.from({ length: count - 1 }, async (_, i) =>
    spawnDaemon({ dataDir: dirs[i + 1], bootstrap: [tcpAddr(first)] })))
  nodes.push(...rest)

  // joined = the DHT can query someone: a connection counts only once identify admits the peer
  // to the routing table, and a put made before that reaches nobody
  let statuses: any[] = []
  await waitFor(async () => {
    statuses = await Promise.all(nodes.map(async n => (await n.request('GET', '/api/v1/status')).body))
    return count === 1 || statuses.every(s => s.dht.routingTablePeers >= 1)
  }, 'every node to join the mesh', JOIN_TIMEOUT_MS).catch((err: Error) => {
    // which node never admitted a peer, and whether it was connected at all (a flake seen once in CI)
    const seen = statuses.map((s, i) => `node${i + 1}: ${s.connections} connections, ${s.dht.routingTablePeers} in the routing table`).join('; ')
    throw new Error(`${err.message} (${seen})`)
  })

  const last = nodes[nodes.length - 1]
  const stamp = new Date().toISOString()
  const put = await first.request('POST', '/api/v1/dht/put', { key: 'mesh-hello', value: `hello from node1 at ${stamp}` })
  if (put.status !== 200) throw new Error(`DHT put failed: ${JSON.stringify(put.body)}`)
  const got = await last.request('GET', '/api/v1/dht/get?key=mesh-hello')
  if (got.status !== 200 || got.body.value !== `hello from node1 at ${stamp}`) throw new Error(`DHT get on node${count} failed: ${JSON.stringify(got.body)}`)

  say('running the main job: publish, find, fetch, install')
  const pkg = await prepareHelloPackage(baseDir, trust, dirs[0])
  const demo = await runDemo(first, last, pkg, trust, baseDir, say)

  const summary = nodes.map((n, i) => ({ name: `node${i + 1}`, peerId: n.peerId, api: n.api, dataDir: n.dataDir, address: tcpAddr(n) }))
  if (values.json) {
    process.stdout.write(JSON.stringify({ nodes: summary, dht: { put: 'node1', readOn: `node${count}`, value: got.body.value }, demo }) + '\n')
  } else {
    process.stdout.write('\nHyperMesh local mesh\n')
    for (const s of summary) process.stdout.write(`  ${s.name}  ${s.peerId}  api ${s.api}\n`)
    process.stdout.write(`\n  DHT: put "mesh-hello" on node1 (${put.body.acceptedBy.length} peers stored it), read on node${count}: "${got.body.value}"\n`)
    process.stdout.write(`  published ${demo.published.name}@${demo.published.version} on node1 (${demo.published.manifest})\n`)
    process.stdout.write(`  node${count}: found it (${demo.found.results} result(s)), fetched ${demo.fetched.files} files, installed ${demo.installed.id}@${demo.installed.version} (${demo.installed.state}; granted ${demo.installed.granted.join(', ') || 'nothing'})\n`)
    process.stdout.write(`  node${count}: hello says ${JSON.stringify(demo.called.result)}\n`)
    process.stdout.write(`\n  try: node bin/hypermesh.mjs --data-dir ${summary[0].dataDir} peers\n`)
  }
  if (values.once) {
    stopping = true
    await stopAll()
  } else {
    say('\nmesh running; Ctrl-C stops it')
    await new Promise(() => {})
  }
} catch (err: any) {
  process.stderr.write(`error: ${err.message}\n`)
  // what each daemon said last is usually why (set DEBUG=hypermesh* for more)
  nodes.forEach((n, i) => {
    const tail = n.stderr().trim().split('\n').slice(-40).join('\n')
    if (tail !== '') process.stderr.write(`--- node${i + 1} stderr (last lines) ---\n${tail}\n`)
  })
  await stopAll()
  process.exit(1)
}
