/**
 * Transfer benchmark (not a test): STOQ against a bare libp2p stream, Helia bitswap and a plain
 * HTTP/1.1 download, every peer a separate process on 127.0.0.1, medians of several runs taken
 * in rounds (every row once per round), so the machine's drift reaches every row alike; each
 * ratio is also taken round by round, and targets are judged on the median of those (pairedRatio).
 *
 *   npm run bench:transfer -- [--size MiB] [--runs N] [--only row,row] [--semi-space MiB] [--malloc daemon|default] [--nice N] [--cold] [--settle S] [--json]
 *
 * `npm run bench:transfer` builds the project and runs the compiled bench (dist/scripts), so no
 * process carries Node's TypeScript stripping (~29 MiB of RSS each), as `hypermesh` runs dist/.
 * Each row's client (the receiver) is one process that serves every run of that row, after a
 * warm-up run reported apart as "first run in a new process": a node fetching is a daemon that
 * has been running, its code compiled by the JIT. `--cold` starts a new client for every run
 * instead. Each run's peak RSS is its own (the process's VmHWM is reset before it).
 *
 * Rows: bare-{tcp,quic}[-fix], stoq1-{tcp,quic}[-fix], stoq3-{tcp,quic}[-fix], helia-tcp, http,
 * http-file, and on request (--only) stoq1-lim and stoq3-lim: STOQ over TCP with the fix from
 * providers whose upload is limited to LIMITED_BYTES_PER_SECOND per peer (their admission's rate
 * limit), as providers behind their own uplinks are in a real mesh: there 3 sources must beat 1
 * clearly, where on one 2-core machine a getter and 3 unlimited providers share the CPU.
 * "-fix" rows use fastNoise (src/transfer/noise-framing.ts: fastNoiseCrypto's cipher key reuse
 * and its own message framing) on both ends, as the daemon's node does; the plain TCP rows use
 * stock Noise. QUIC has no Noise. `http` hashes the body (sha256) in memory, as a download tool would; `http-file`
 * writes it to a file and hashes it with BLAKE3, the work STOQ does (STOQ also writes per chunk);
 * it writes through the page cache, where STOQ's chunk store writes fetched chunks with O_DIRECT
 * (src/store/direct-writes.ts), so on this VM, where every fresh page-cache page faults in anew,
 * http-file pays a kernel cost STOQ does not. STOQ providers pack their content (through the
 * page cache) once, at the start, and serve it from there.
 * `--nice N` runs every server and provider at N lower CPU priority (see deprioritise): with 10,
 * TCP 3 sources vs 1 was 0.92–0.97× at 256 MiB where the same runs at equal priority gave
 * 0.72–0.74× (0.83× in one niced 1 GiB run).
 * Before its first round the bench times a chunk file's create in its work directory and, when
 * the disk is still recycling inodes freed minutes before (see createCostUs), waits for it to
 * settle, up to `--settle S` seconds (0: no wait); the figures before and after the rounds are
 * printed and in the JSON (`createUs`). Each row also says what its server or providers spent
 * (`senderCpuMs`; a server's from /proc, a provider's as it reports it) and how many of the
 * machine's cores its receiver and senders kept busy together (`coresBusy`).
 * The STOQ getter is a bench role (a STOQ node of test/helpers/stoq-node.ts) that counts progress
 * events instead of printing one JSON line per chunk to a pipe, which the parent must read.
 * Prints a table on stderr and one JSON document on stdout. Child processes inherit the bench's
 * environment (so glibc's MALLOC_* tunables, when set, reach every row alike), NODE_OPTIONS,
 * to which `--max-semi-space-size` is added (see SEMI_SPACE_MIB), and GLIBC_TUNABLES, to which
 * the daemon's are added (see MALLOC_MODES). An idle STOQ node is ~97 MiB
 * of RSS compiled (the node binary, libp2p, QUIC, Noise's wasm; 126 MiB run from the sources).
 * A STOQ window of 4 instead of 8 chunks did not lower the 1 GiB peak (measured from sources).
 * `BENCH_MEM=1` prints the STOQ getter's heap, external and ArrayBuffer MiB at its peak RSS, and
 * how many GCs of each kind ran in the fetch.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { mkdtemp, open, rm, statfs } from 'node:fs/promises'
import { createServer } from 'node:http'
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { Blake3Hasher } from '@napi-rs/blake-hash'
import { fastNoise, waitForDrain } from '../src/transfer/index.ts'
import { daemonGlibcTunables } from './lib/daemon-runtime.mjs'
import { createStoqNode } from '../test/helpers/stoq-node.ts'
import { spawnPeer } from '../test/helpers/stoq-peer-client.ts'
import type { PeerProcess } from '../test/helpers/stoq-peer-client.ts'

const MiB = 1024 * 1024
/** Write size of the bare-stream baseline and chunk size of every row: the STOQ default. */
const BLOCK = MiB
const BARE_PROTOCOL = '/hypermesh/bench/bare/1.0.0'
const SELF = fileURLToPath(import.meta.url)
const ALL_ROWS = [
  'bare-tcp', 'bare-tcp-fix', 'bare-quic',
  'stoq1-tcp', 'stoq1-tcp-fix', 'stoq3-tcp', 'stoq3-tcp-fix', 'stoq1-quic', 'stoq3-quic',
  'helia-tcp', 'http', 'http-file'
]
/** Rows measured only when named in --only. */
const EXTRA_ROWS = ['stoq1-lim', 'stoq3-lim']
/**
 * Upload limit of each provider in the "-lim" rows: under a third of what one unlimited provider
 * delivers here, so three of them together stay below what the getter alone can take in. The
 * provider's token bucket starts full, so each run begins with up to a second (30 MB per
 * provider) unlimited.
 */
const LIMITED_BYTES_PER_SECOND = 30e6

/**
 * V8 young-generation semi-space (MiB) of every peer process, all rows alike (`--semi-space 0`
 * keeps V8's default, up to 16 MiB here). A transfer allocates short-lived buffers and their
 * wrappers fast; with the default the young generation grows to tens of MiB before it is
 * collected: a 512 MiB STOQ fetch peaked at 223 MiB RSS (heap 90 MiB) against 168 MiB (heap
 * 29 MiB) at 1 MiB. The flag cannot be set from library code at run time; `hypermesh daemon`
 * re-executes itself with it (bin/hypermesh.mjs).
 */
const SEMI_SPACE_MIB = 1
/**
 * `--malloc`: `daemon` (the default) gives every process of every row the glibc tunables
 * `hypermesh daemon` runs with (scripts/lib/daemon-runtime.mjs: hugetlb, whose 2 MiB-aligned
 * heap growth spares a Noise sender glibc's trim-and-regrow page faults); `default` leaves
 * glibc's defaults.
 * The baselines allocate a buffer per message as they go and so gain more from it than STOQ,
 * which reuses its block buffers: with it for every row, six rounds gave bare (fastNoise)
 * 404 MB/s, HTTP 392 and STOQ 1 source 231, against 212–291, 213–269 and 210–240 without.
 */
const MALLOC_MODES = ['daemon', 'default']
/**
 * Longest the bench waits, in seconds, before its first round for the disk to make chunk files
 * at a fresh disk's cost again (`--settle`, see createCostUs): inodes freed by a bench or build
 * just before stop costing extra after 5–10 minutes on this VM. 0 does not wait.
 */
const SETTLE_S = 600
/** How often a settling bench probes the disk again, in seconds. */
const SETTLE_PROBE_S = 20

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    'semi-space': { type: 'string', default: String(SEMI_SPACE_MIB) },
    malloc: { type: 'string', default: 'daemon' },
    nice: { type: 'string', default: '0' },
    cold: { type: 'boolean', default: false },
    settle: { type: 'string', default: String(SETTLE_S) },
    role: { type: 'string' },
    init: { type: 'string' }
  }
})

/**
 * The issue's targets, as ratios of rows measured in the same run. The nodes run the product's
 * Noise (fastNoise) in the "-fix" rows; the plain rows are stock Noise, for comparison.
 */
const RATIO_TARGETS: Record<string, number> = {
  'stoq1-tcp / bare-tcp': 0.9,
  'stoq1-tcp-fix / bare-tcp-fix': 0.9,
  'stoq1-quic / bare-quic': 0.9,
  'stoq1-tcp / helia-tcp': 2.5,
  'stoq1-tcp-fix / helia-tcp': 2.5,
  'stoq3-tcp / stoq1-tcp': 1,
  'stoq3-tcp-fix / stoq1-tcp-fix': 1,
  'stoq3-quic / stoq1-quic': 1,
  'stoq1-tcp-fix / http': 1,
  'stoq3-lim / stoq1-lim': 2
}

/** The ratios printed, each of two rows measured in the same run. */
const RATIOS = [
  'stoq1-tcp / bare-tcp', 'stoq1-quic / bare-quic', 'stoq1-tcp-fix / bare-tcp-fix',
  'stoq1-tcp / helia-tcp', 'stoq1-tcp-fix / helia-tcp',
  'stoq3-tcp / stoq1-tcp', 'stoq3-tcp-fix / stoq1-tcp-fix', 'stoq3-quic / stoq1-quic', 'stoq3-lim / stoq1-lim',
  'stoq1-tcp-fix / http', 'stoq3-tcp-fix / http', 'stoq1-tcp / http-file', 'stoq1-tcp-fix / http-file',
  'http-file / http', 'helia-tcp / bare-tcp', 'http / bare-tcp'
]

/**
 * The ratio of two rows' speeds taken within each round, then its median and range; undefined
 * unless both rows have one run per round. The host's speed drifts by ±25 % or more within
 * seconds (a shared VM), and a round's runs are seconds apart where the runs of one row are a
 * round apart: one round's pair shares the host's state, so the median of the pairs is the
 * steadier estimate (over four 5–7-round runs, STOQ 1 source against the bare stream gave
 * 0.87–0.93× paired and 0.78–0.95× as the ratio of the medians). Targets are judged on it;
 * both are printed.
 */
function pairedRatio ([a, b]: Array<Sample[] | undefined>): { median: number, min: number, max: number } | undefined {
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return undefined
  const pairs = a.map((s, i) => b[i].ms / s.ms)
  return { median: hundredths(median(pairs)), min: hundredths(Math.min(...pairs)), max: hundredths(Math.max(...pairs)) }
}

/** A ratio as printed: to two decimals. */
function hundredths (x: number): number {
  return Math.round(x * 100) / 100
}

/**
 * One client run. senderCpuMs: what the server (or, for STOQ rows, all providers together) spent
 * in the run, where the bench can tell; sentBytes (duplicates included): STOQ rows only.
 */
interface Sample { ms: number, cpuMs: number, maxRss: number, senderCpuMs?: number, sentBytes?: number }

// ---------- child roles ----------

/** PerformanceObserver's GC kinds (perf_hooks.constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb'
}
function say (msg: unknown): void { process.stdout.write(JSON.stringify(msg) + '\n') }
async function stdinClosed (): Promise<void> { for await (const _ of createInterface({ input: process.stdin })) { /* wait */ } }
function cpuMs (since: NodeJS.CpuUsage): number { const d = process.cpuUsage(since); return (d.user + d.system) / 1000 }
/**
 * Starts a new peak-RSS measurement: Linux resets the process's VmHWM to its current RSS when
 * "5" is written to /proc/self/clear_refs, so a client that serves several runs reports each
 * run's own peak. Elsewhere the peak is the process's lifetime peak (getrusage).
 */
function resetPeakRss (): void {
  try { writeFileSync('/proc/self/clear_refs', '5') } catch { /* not Linux: lifetime peak */ }
}
function maxRss (): number {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (kib !== undefined) return Number(kib) * 1024
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024
}

async function bareNode (transport: string, fix: boolean) {
  return await createLibp2p({
    addresses: { listen: [transport === 'quic' ? '/ip4/127.0.0.1/udp/0/quic-v1' : '/ip4/127.0.0.1/tcp/0'] },
    transports: [transport === 'quic' ? quic() : tcp()],
    connectionEncrypters: [fix ? fastNoise() : noise()],
    streamMuxers: [yamux()]
  })
}

async function heliaNode () {
  const { createHeliaLight } = await import('helia')
  const { withLibp2pLight } = await import('@helia/libp2p')
  const { withBitswap } = await import('@helia/bitswap')
  const { MemoryBlockstore } = await import('blockstore-core')
  const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore: new MemoryBlockstore() }), {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    services: { identify: identify() }
  }) as any)
  await helia.start()
  return helia
}

/** Every role a child process plays: servers run until stdin closes; clients (`-client`, `-getter`) return one run's sample. */
const roles: Record<string, (init: any) => Promise<Sample | void>> = {
  'bare-server': async init => {
    const node = await bareNode(init.transport, init.fix)
    const block = randomBytes(BLOCK)
    await node.handle(BARE_PROTOCOL, async stream => {
      for (let sent = 0; sent < init.size; sent += BLOCK) {
        if (!stream.send(block.subarray(0, Math.min(BLOCK, init.size - sent)))) await waitForDrain(stream)
      }
      await stream.close()
    })
    say({ addr: node.getMultiaddrs()[0].toString() })
    await stdinClosed()
    await node.stop()
  },
  'bare-client': async init => {
    const node = await bareNode(init.transport, init.fix)
    const cpu = process.cpuUsage()
    const start = performance.now()
    const stream = await node.dialProtocol(multiaddr(init.addr), BARE_PROTOCOL)
    let received = 0
    for await (const chunk of stream) {
      received += chunk.byteLength
      if (received >= init.size) break
    }
    const ms = performance.now() - start
    if (received !== init.size) throw new Error(`received ${received} of ${init.size}`)
    await node.stop()
    return { ms, cpuMs: cpuMs(cpu), maxRss: maxRss() }
  },
  'helia-provider': async init => {
    const { unixfs } = await import('@helia/unixfs')
    const { fixedSize } = await import('ipfs-unixfs-importer/chunker')
    const helia = await heliaNode()
    const cid = await unixfs(helia).addByteStream(createReadStream(init.file, { highWaterMark: BLOCK }), { chunker: fixedSize({ chunkSize: BLOCK }), rawLeaves: true })
    say({ addr: helia.libp2p.getMultiaddrs()[0].toString(), cid: cid.toString() })
    await stdinClosed()
    await helia.stop()
  },
  'helia-getter': async init => {
    const { unixfs } = await import('@helia/unixfs')
    const { CID } = await import('multiformats/cid')
    const helia = await heliaNode()
    const cpu = process.cpuUsage()
    const start = performance.now()
    await helia.libp2p.dial(multiaddr(init.addr))
    let received = 0
    for await (const chunk of unixfs(helia).cat(CID.parse(init.cid))) received += chunk.byteLength
    const ms = performance.now() - start
    if (received !== init.size) throw new Error(`received ${received} of ${init.size}`)
    await helia.stop()
    return { ms, cpuMs: cpuMs(cpu), maxRss: maxRss() }
  },
  'http-server': async init => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-length': String(init.size), 'content-type': 'application/octet-stream' })
      createReadStream(init.file, { highWaterMark: BLOCK }).pipe(res)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address() as { port: number }
    say({ url: `http://127.0.0.1:${address.port}/data` })
    await stdinClosed()
    server.close()
  },
  'http-client': async init => {
    const cpu = process.cpuUsage()
    const start = performance.now()
    const res = await fetch(init.url)
    const hash = createHash('sha256')
    let received = 0
    for await (const chunk of res.body as any) { hash.update(chunk); received += chunk.byteLength }
    hash.digest()
    const ms = performance.now() - start
    if (received !== init.size) throw new Error(`received ${received} of ${init.size}`)
    return { ms, cpuMs: cpuMs(cpu), maxRss: maxRss() }
  },
  'http-file-client': async init => {
    const cpu = process.cpuUsage()
    const start = performance.now()
    const res = await fetch(init.url)
    const hash = new Blake3Hasher()
    const out = await open(init.out, 'w')
    let received = 0
    try {
      for await (const chunk of res.body as any) {
        hash.update(chunk)
        await out.write(chunk)
        received += chunk.byteLength
      }
    } finally {
      await out.close()
    }
    hash.digestBuffer()
    const ms = performance.now() - start
    await rm(init.out, { force: true })
    if (received !== init.size) throw new Error(`received ${received} of ${init.size}`)
    return { ms, cpuMs: cpuMs(cpu), maxRss: maxRss() }
  },
  'stoq-getter': async init => {
    const peer = await createStoqNode({ dir: init.dir, noiseFix: init.fix })
    let events = 0
    const peak = { rss: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }
    const sampler = process.env.BENCH_MEM !== undefined ? setInterval(() => {
      const m = process.memoryUsage()
      if (m.rss >> 20 > peak.rss) Object.assign(peak, { rss: m.rss >> 20, heapTotal: m.heapTotal >> 20, external: m.external >> 20, arrayBuffers: m.arrayBuffers >> 20 })
    }, 20) : undefined
    // received buffers that outlive two scavenges wait for a major GC: how many of each ran
    const gcs: Record<string, number> = {}
    const gcObserver = sampler !== undefined
      ? new PerformanceObserver(list => {
        for (const e of list.getEntries()) {
          const kind = GC_KINDS[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'other'
          gcs[kind] = (gcs[kind] ?? 0) + 1
        }
      })
      : undefined
    gcObserver?.observe({ entryTypes: ['gc'] })
    const cpu = process.cpuUsage()
    const res = await peer.stoq.fetch(init.cid, { providers: init.providers, onProgress: () => { events++ } })
    const used = cpuMs(cpu)
    clearInterval(sampler)
    if (gcObserver !== undefined) await new Promise(resolve => setTimeout(resolve, 50)) // GC entries arrive after the GC
    gcObserver?.disconnect()
    if (sampler !== undefined) process.stderr.write(`getter memory at peak RSS (MiB): ${JSON.stringify(peak)}, GCs: ${JSON.stringify(gcs)}\n`)
    if (res.size !== init.size || res.fetchedBytes !== init.size) throw new Error(`fetched ${res.fetchedBytes} of ${init.size}`)
    await peer.stop()
    if (events === 0) throw new Error('no progress events')
    return { ms: res.durationMs, cpuMs: used, maxRss: maxRss() }
  }
}

// ---------- orchestration ----------

interface Child { first: Promise<any>, end: () => Promise<void>, cpuMs: () => number | undefined }

/** Clock ticks per second of /proc's CPU times (sysconf(_SC_CLK_TCK); 100 on Linux for decades), asked once, when first needed. */
let clkTck: number | undefined
function clockTicks (): number {
  if (clkTck === undefined) {
    try { clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100 } catch { clkTck = 100 }
  }
  return clkTck
}

/**
 * CPU (user + system, ms) process `pid` has used, from /proc/<pid>/stat (10 ms steps), so the
 * bench can count a server's CPU per run without asking the server; undefined off Linux.
 */
function procCpuMs (pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after "(comm)": state is the first, utime the 12th, stime the 13th (proc(5))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 1000 / clockTicks()
  } catch {
    return undefined
  }
}

/**
 * Lowers a serving process's CPU priority by `--nice` (0: off). Each server and provider stands
 * for another machine; here they share the getter's two cores, and at equal priority three
 * providers take CPU the getter then lacks. Niced, they run on what the getter leaves, which is
 * as close to separate machines as one box comes. Every row's servers alike.
 */
function deprioritise (pid: number | undefined): void {
  const nice = Number(args.nice)
  if (nice > 0 && pid !== undefined) setPriority(pid, nice)
}

/** Starts a server role (clients: spawnClient), at the priority `--nice` asks for. */
function spawnRole (role: string, init: unknown): Child {
  const child = spawn(process.execPath, [SELF, '--role', role, '--init', JSON.stringify(init)], { stdio: ['pipe', 'pipe', 'inherit'] })
  deprioritise(child.pid)
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  const first = new Promise<any>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`${role} exited with ${code}`)) })
    createInterface({ input: child.stdout }).once('line', line => { resolve(JSON.parse(line)) })
  })
  first.catch(() => {})
  return { first, end: async () => { child.stdin.end(); await exited }, cpuMs: () => procCpuMs(child.pid) }
}

/** Attempts per client run: a bare stream once ended early (227 of 256 MiB, no error) under heavy load; that run is reported and retried. */
const CLIENT_ATTEMPTS = 2

/** A client process (`--role <client>`): each `run` is one transfer, answered with its sample. */
interface ClientProcess { run: (init: unknown) => Promise<Sample>, end: () => Promise<void> }

function spawnClient (role: string): ClientProcess {
  const child = spawn(process.execPath, [SELF, '--role', role], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  let waiting: { resolve: (s: Sample) => void, reject: (e: Error) => void } | undefined
  child.once('exit', code => { waiting?.reject(new Error(`${role} exited with ${code}`)) })
  createInterface({ input: child.stdout }).on('line', line => {
    const msg = JSON.parse(line)
    const w = waiting
    waiting = undefined
    if (msg.error !== undefined) w?.reject(new Error(msg.error))
    else w?.resolve(msg.sample)
  })
  return {
    run: async init => await new Promise<Sample>((resolve, reject) => {
      waiting = { resolve, reject }
      child.stdin.write(JSON.stringify(init) + '\n')
    }),
    end: async () => { child.stdin.end(); await exited }
  }
}

/** The client side of a child process: one run per stdin line, each with its own peak RSS. */
async function serveRuns (run: (init: any) => Promise<Sample | void>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue
    resetPeakRss()
    try {
      say({ sample: await run(JSON.parse(line)) })
    } catch (err: any) {
      say({ error: err.message })
    }
  }
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Asks ext4 to place each subdirectory of `dir` as it places directories made at the root (the
 * Orlov allocator's "top directory" flag, `chattr +T`): the search starts at a group chosen from
 * a hash of the name instead of the parent's group; false where that is not possible (no chattr,
 * another file system). With the work directory's random tag in every store's name, a bench's
 * stores then often land away from where the bench before it freed its stores (see roomFor): at
 * 1 GiB, back to back, the getter's chunk-file creates cost ~230 ms per GiB in recently_deleted
 * without this (session 9). Not always: Orlov prefers the group with the fewest directories,
 * which can be the one a bench just emptied, so the create probe before the first round
 * (createCostUs, --settle) is what guards the figures.
 */
function freshGround (dir: string): boolean {
  try {
    execFileSync('chattr', ['+T', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Whether the file system holding `dir` has `bytes` free. The bench keeps every STOQ getter's
 * store until it ends when it does: removing a store between runs made the next runs slower for
 * a reason no daemon meets. On an ext4 without a journal (as on this VM) the inode allocator
 * steps over every inode freed in the last minute or more one by one (find_inode_bit →
 * recently_deleted; up to 5 minutes while the inode table is dirty), and each run's ~1,300 new
 * inodes (1,024 shard directories, one file per chunk) landed among the ~1,300 just freed:
 * measured with perf system-wide, each chunk file's open(O_CREAT) then cost ~0.5 ms of kernel
 * CPU, 125 ms of a 256 MiB fetch, against ~20 µs in a fresh area. A daemon does not delete a
 * whole store before each fetch.
 */
async function roomFor (dir: string, bytes: number): Promise<boolean> {
  const fs = await statfs(dir)
  return fs.bavail * fs.bsize >= bytes
}

/** Files a create probe makes: about what a 128 MiB fetch makes. */
const PROBE_FILES = 128
/**
 * Above this a probe's create is not what a settled disk costs: 37–78 µs in a bench's work
 * directory here, against 164–335 µs while inodes freed minutes before were in the way (measured).
 */
const PROBE_SLOW_US = 150

/**
 * What making one chunk file costs in `dir` now, in µs: open(O_CREAT | O_EXCL), close and a
 * rename into a subdirectory, as the store does (block-files.ts), with synchronous calls so that
 * the figure is the file system's, not the event loop's. It is printed beside the results
 * because it is the disk's cost, not the product's, and moves them: on this VM's ext4 without a
 * journal, a create that lands among inodes freed in the last 5–10 minutes (by a bench or a build
 * before) steps over each of them (see roomFor); one create then went from ~40–80 µs to ~160–500 µs
 * (measured), up to ~0.1 s of a 256 MiB fetch. The probe's files are kept until the bench ends,
 * so that the probe frees no inode of its own.
 */
function createCostUs (dir: string): number {
  mkdirSync(join(dir, 'blocks'), { recursive: true })
  const start = performance.now()
  for (let i = 0; i < PROBE_FILES; i++) {
    const tmp = join(dir, `t${i}`)
    closeSync(openSync(tmp, 'wx'))
    renameSync(tmp, join(dir, 'blocks', `b${i}`))
  }
  return Math.round((performance.now() - start) * 1000 / PROBE_FILES)
}

async function main (): Promise<void> {
  const size = Number(args.size) * MiB
  const runs = Number(args.runs)
  // children (every row's peers) inherit NODE_OPTIONS
  if (args['semi-space'] !== '0') process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=${args['semi-space']}`.trim()
  // and GLIBC_TUNABLES: the daemon's malloc for every row (see MALLOC_MODES)
  if (!MALLOC_MODES.includes(args.malloc)) throw new Error(`--malloc ${args.malloc}: one of ${MALLOC_MODES.join(', ')}`)
  if (args.malloc === 'daemon') process.env.GLIBC_TUNABLES = daemonGlibcTunables(process.env.GLIBC_TUNABLES)
  const rows = args.only !== undefined ? args.only.split(',') : ALL_ROWS
  for (const row of rows) if (!ALL_ROWS.includes(row) && !EXTRA_ROWS.includes(row)) throw new Error(`unknown row ${row}; rows: ${[...ALL_ROWS, ...EXTRA_ROWS].join(' ')}`)
  const work = await mkdtemp(join(tmpdir(), 'hm-bench-'))
  // each store of this bench gets a name of its own and a block group of its own (see freshGround)
  const tag = basename(work).slice('hm-bench-'.length)
  const spread = freshGround(work)
  const stoqRuns = rows.filter(row => row.startsWith('stoq')).length * (runs + (args.cold ? 0 : 1))
  const keepStores = await roomFor(work, 2 * stoqRuns * size)
  const file = join(work, 'data.bin')
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file)
    out.on('error', reject)
    let left = size
    const write = (): void => {
      while (left > 0) {
        const n = Math.min(left, BLOCK)
        left -= n
        if (!out.write(randomBytes(n))) { out.once('drain', write); return }
      }
      out.end(resolve)
    }
    write()
  })
  const log = (s: string): void => { process.stderr.write(s + '\n') }
  log(`bench: ${size / MiB} MiB, ${runs} rounds (one run of every row each), Node ${process.version}, NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''}, GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? ''}${Number(args.nice) > 0 ? `, servers and providers niced by ${args.nice}` : ''}, rows: ${rows.join(' ')}`)
  if (!spread) log('  could not mark the work directory for spread subdirectories (chattr +T): stores may land among inodes freed by an earlier bench (see freshGround)')
  if (!keepStores && stoqRuns > 0) log(`  too little free disk to keep every getter's store (${stoqRuns} × ${size / MiB} MiB, twice over): each is removed after its run, and later STOQ runs pay for it (see roomFor)`)

  // only STOQ getters write chunk files, so only they pay for what the disk's creates cost now
  const probe = (when: string): number | undefined => stoqRuns > 0 ? createCostUs(join(work, `probe-${when}-${tag}`)) : undefined
  const createUs: { start?: number, end?: number, settledS?: number } = { start: probe('start') }
  const sayCreates = (when: string, us?: number): void => {
    if (us === undefined) return
    log(`  a chunk file's create costs ${us} µs in the work directory ${when}${us > PROBE_SLOW_US ? ` (over ${PROBE_SLOW_US} µs: the disk is recycling inodes freed minutes ago, and the STOQ rows pay for it; see createCostUs)` : ''}`)
  }
  // a bench run minutes after another (or after a build) would otherwise measure the inodes the
  // one before freed as much as STOQ; each probe makes new files and frees none
  const settleS = Number(args.settle)
  const settleStart = performance.now()
  for (let n = 1; createUs.start !== undefined && createUs.start > PROBE_SLOW_US && (performance.now() - settleStart) / 1000 < settleS; n++) {
    log(`  a chunk file's create costs ${createUs.start} µs (over ${PROBE_SLOW_US}): waiting for the disk to settle, up to ${settleS} s in all (--settle)`)
    await new Promise(resolve => setTimeout(resolve, SETTLE_PROBE_S * 1000))
    createUs.start = probe(`settle${n}`)
  }
  if (settleS > 0 && createUs.start !== undefined) createUs.settledS = Math.round((performance.now() - settleStart) / 1000)
  sayCreates('before the first round', createUs.start)

  const stoqProviders = new Map<string, PeerProcess[]>()
  let manifestCid = ''
  /** Spawns (once) and fills the providers a row needs; later rows reuse them. */
  const providersFor = async (fix: boolean, count: number, limited: boolean): Promise<PeerProcess[]> => {
    const key = (fix ? 'fix' : 'plain') + (limited ? '-lim' : '')
    const ps = stoqProviders.get(key) ?? []
    stoqProviders.set(key, ps)
    while (ps.length < count) {
      const p = await spawnPeer({ dir: join(work, `${key}-provider-${ps.length}-${tag}`), noiseFix: fix, stoq: limited ? { maxBytesPerSecondPerPeer: LIMITED_BYTES_PER_SECOND } : {} })
      deprioritise(p.child.pid)
      manifestCid = (await p.call('add', { path: file })).manifestCid
      ps.push(p)
    }
    return ps.slice(0, count)
  }

  // Rows are measured in rounds (one run of every row, then the next round), not one row after
  // another: this shared machine's speed drifts by minutes, and a row measured only while it was
  // slow would skew every ratio it is part of. Servers and providers live for the whole bench.
  const servers = new Map<string, Child>()
  const ends: Array<() => Promise<void>> = []
  const serverKey = (row: string): string => row.startsWith('bare') ? row : row.startsWith('http') ? 'http' : row
  const serverFor = async (row: string, transport: string, fix: boolean): Promise<any> => {
    let child = servers.get(serverKey(row))
    if (child === undefined) {
      if (row.startsWith('bare')) child = spawnRole('bare-server', { transport, fix, size })
      if (row.startsWith('helia')) child = spawnRole('helia-provider', { file })
      if (row.startsWith('http')) child = spawnRole('http-server', { file, size })
      if (child === undefined) return undefined
      ends.push(child.end)
      servers.set(serverKey(row), child)
    }
    return await child.first
  }
  /** A server row's client run, with what its server spent meanwhile. */
  const withServerCpu = async (row: string, run: () => Promise<Sample>): Promise<Sample> => {
    const server = servers.get(serverKey(row))
    const before = server?.cpuMs()
    const sample = await run()
    const after = server?.cpuMs()
    return before !== undefined && after !== undefined ? { ...sample, senderCpuMs: after - before } : sample
  }
  const samplesBy = new Map<string, Sample[]>(rows.map(row => [row, []]))
  /** Each row's first run, in a client process just started (its code not yet compiled by the JIT). */
  const firstBy = new Map<string, Sample[]>(rows.map(row => [row, []]))
  /** Each row's client process, kept for all its runs (a new one per run with --cold). */
  const clients = new Map<string, ClientProcess>()
  const runClient = async (row: string, role: string, init: unknown): Promise<Sample> => {
    for (let attempt = 1; ; attempt++) {
      let c = args.cold ? undefined : clients.get(row)
      if (c === undefined) {
        c = spawnClient(role)
        if (!args.cold) clients.set(row, c)
      }
      try {
        const sample = await c.run(init)
        if (args.cold) await c.end()
        return sample
      } catch (err: any) {
        clients.delete(row)
        await c.end()
        if (attempt >= CLIENT_ATTEMPTS) throw err
        process.stderr.write(`  ${role} run failed (${err.message}); retrying\n`)
      }
    }
  }
  // round -1 warms every row's client up (a daemon fetching is a long-running process); its
  // samples are reported apart, as the first run in a new process
  for (let r = args.cold ? 0 : -1; r < runs; r++) {
    for (const row of rows) {
      const limited = row.endsWith('-lim')
      const fix = row.endsWith('-fix') || limited
      const transport = row.includes('quic') ? 'quic' : 'tcp'
      const samples = (r < 0 ? firstBy : samplesBy).get(row)!
      const info = await serverFor(row, transport, fix)
      if (row.startsWith('bare')) samples.push(await withServerCpu(row, async () => await runClient(row, 'bare-client', { transport, fix, size, addr: info.addr })))
      else if (row.startsWith('helia')) samples.push(await withServerCpu(row, async () => await runClient(row, 'helia-getter', { size, addr: info.addr, cid: info.cid })))
      else if (row === 'http') samples.push(await withServerCpu(row, async () => await runClient(row, 'http-client', { size, url: info.url })))
      else if (row === 'http-file') samples.push(await withServerCpu(row, async () => await runClient(row, 'http-file-client', { size, url: info.url, out: join(work, `http-file-${r}`) })))
      else {
        const providers = await providersFor(fix, row.startsWith('stoq3') ? 3 : 1, limited)
        const stats = async (): Promise<Array<{ cpuMs: number, bytesServed: number }>> => await Promise.all(providers.map(async p => {
          const st = await p.call('stats')
          return { cpuMs: (st.cpu.user + st.cpu.system) / 1000, bytesServed: st.bytesServed }
        }))
        const sum = (xs: Array<{ cpuMs: number, bytesServed: number }>, k: 'cpuMs' | 'bytesServed'): number => xs.reduce((a, x) => a + x[k], 0)
        const before = await stats()
        const dir = join(work, `getter-${row}-${r}-${tag}`)
        const sample = await runClient(row, 'stoq-getter', { dir, fix, size, cid: manifestCid, providers: providers.map(p => p.addrs[transport]) })
        const after = await stats()
        samples.push({ ...sample, senderCpuMs: sum(after, 'cpuMs') - sum(before, 'cpuMs'), sentBytes: sum(after, 'bytesServed') - sum(before, 'bytesServed') })
        if (!keepStores) await rm(dir, { recursive: true, force: true })
      }
    }
    log(r < 0 ? `  warm-up round done (load average ${loadavg()[0].toFixed(2)})` : `  round ${r + 1} of ${runs} done (load average ${loadavg()[0].toFixed(2)})`)
  }
  for (const c of clients.values()) await c.end()
  for (const end of ends) await end()
  createUs.end = probe('end')
  sayCreates('after the last round', createUs.end)

  const results: Array<{ row: string, runs: Sample[], mbps: number, cpuMs: number, senderCpuMs?: number, coresBusy?: number, maxRssMiB: number, firstRun?: Sample & { mbps: number } }> = []
  for (const row of rows) {
    const samples = samplesBy.get(row)!
    const mbps = size / 1e6 / (median(samples.map(s => s.ms)) / 1000)
    const senderCpu = samples.every(s => s.senderCpuMs !== undefined) ? Math.round(median(samples.map(s => s.senderCpuMs ?? 0))) : undefined
    const first = firstBy.get(row)![0]
    // the peak over every run, the first one in a new process included
    const peak = Math.max(...samples.map(s => s.maxRss), first?.maxRss ?? 0)
    // how many of the machine's cores a row's receiver and senders kept busy together: near all
    // of them, a row is bound by CPU, and more sources can only share it, not add to it
    const busy = senderCpu !== undefined ? hundredths(median(samples.map(s => (s.cpuMs + (s.senderCpuMs ?? 0)) / s.ms))) : undefined
    const result = { row, runs: samples, mbps: Math.round(mbps), cpuMs: Math.round(median(samples.map(s => s.cpuMs))), senderCpuMs: senderCpu, coresBusy: busy, maxRssMiB: Math.round(peak / MiB), firstRun: first !== undefined ? { ...first, mbps: Math.round(size / 1e6 / (first.ms / 1000)) } : undefined }
    results.push(result)
    log(`  ${row.padEnd(14)} ${String(result.mbps).padStart(5)} MB/s  receiver CPU ${String(result.cpuMs).padStart(6)} ms  sender CPU ${String(result.senderCpuMs ?? '-').padStart(6)} ms${busy !== undefined ? ` (${busy} of ${availableParallelism()} cores busy)` : ''}  peak RSS ${String(result.maxRssMiB).padStart(4)} MiB${samples[0].sentBytes !== undefined ? `  sent ${samples.map(s => ((s.sentBytes ?? 0) / size).toFixed(2)).join('/')}× size` : ''}  (runs: ${samples.map(s => Math.round(s.ms)).join(', ')} ms${result.firstRun !== undefined ? `; first run in a new process ${result.firstRun.mbps} MB/s` : ''})`)
  }
  for (const ps of stoqProviders.values()) await Promise.all(ps.map(async p => { await p.exit() }))
  await rm(work, { recursive: true, force: true })

  const ratio = (a?: number, b?: number): number | undefined => a !== undefined && b !== undefined ? hundredths(a / b) : undefined
  const ratiosOf = (mbpsOf: (row: string) => number | undefined): Record<string, number | undefined> =>
    Object.fromEntries(RATIOS.map(k => { const [a, b] = k.split(' / '); return [k, ratio(mbpsOf(a), mbpsOf(b))] }))
  const ratios = ratiosOf(row => results.find(r => r.row === row)?.mbps)
  const firstRunRatios = ratiosOf(row => results.find(r => r.row === row)?.firstRun?.mbps)
  const pairedRatios = Object.fromEntries(RATIOS.map(k => [k, pairedRatio(k.split(' / ').map(row => results.find(r => r.row === row)?.runs))]))
  log('\n| row | MB/s | receiver CPU ms | sender CPU ms | cores busy | peak RSS MiB | first run MB/s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of results) log(`| ${r.row} | ${r.mbps} | ${r.cpuMs} | ${r.senderCpuMs ?? '-'} | ${r.coresBusy ?? '-'} | ${r.maxRssMiB} | ${r.firstRun?.mbps ?? '-'} |`)
  log('')
  for (const [k, v] of Object.entries(ratios)) {
    if (v === undefined) continue
    const target = RATIO_TARGETS[k]
    const paired = pairedRatios[k]
    const judged = paired?.median ?? v
    const first = firstRunRatios[k] !== undefined ? `  [first runs in new processes: ${firstRunRatios[k]}×]` : ''
    log(`${k}: ${paired !== undefined ? `${paired.median}× paired by round (${paired.min}–${paired.max}), ${v}× of the medians` : `${v}×`}${target !== undefined ? `  (target ≥ ${target}×: ${judged >= target ? 'met' : 'NOT met'})` : ''}${first}`)
  }
  // where both ends of two rows share this machine's cores and keep them busy, the ratio of their
  // throughputs is about the inverse of this one: the CPU all of a row's processes spend per byte
  for (const k of RATIOS) {
    const [a, b] = k.split(' / ').map(row => results.find(r => r.row === row))
    if (a?.senderCpuMs === undefined || b?.senderCpuMs === undefined) continue
    log(`${k}: CPU of receiver and senders together ${ratio(a.cpuMs + a.senderCpuMs, b.cpuMs + b.senderCpuMs)}× (${a.cpuMs + a.senderCpuMs} against ${b.cpuMs + b.senderCpuMs} ms)`)
  }
  say({ sizeMiB: size / MiB, runs, node: process.version, nodeOptions: process.env.NODE_OPTIONS ?? '', glibcTunables: process.env.GLIBC_TUNABLES ?? '', cold: args.cold, createUs, results, ratios, pairedRatios, firstRunRatios })
}

if (args.role !== undefined) {
  const role = roles[args.role]
  if (role === undefined) throw new Error(`unknown role ${args.role}`)
  if (args.role.endsWith('-client') || args.role.endsWith('-getter')) await serveRuns(role)
  else await role(JSON.parse(args.init ?? '{}'))
} else {
  await main()
}
