/**
 * Extension benchmarks (`npm run bench:extensions`):
 * - signed package on disk → ready: discovery checks (schema, content root, TrustChain
 *   signature, host range), grants, isolate start, initialize, registerAssets; p50/p95;
 * - asset operation latency with 100 concurrent callers: a type-specific operation on a
 *   Greeting asset (AssetManager → extension manager → host process → isolate and back) and a
 *   record read (AssetManager only, the baseline); p50/p99, and their ratio to the baseline's.
 *   Closed loop (each caller starts its next operation when the last one ends: latency = 100 /
 *   throughput), in rounds that alternate with the baseline's so both see the same machine,
 *   after one uncounted warm-up round of each;
 *   open loop (5 000 operations/s offered; latency from the start, and how late starts were
 *   against the schedule, which is where a stalled node shows); one caller alone.
 *   The closed loop also reports CPU per operation in the node and in the host process.
 * Prints a table, then one JSON document on the last line. Options: --loads N, --ops N.
 * `npm run bench:extensions` runs it with the daemon's V8 flag (--max-semi-space-size=1, see
 * bin/hypermesh.mjs), since the manager runs inside the daemon's process.
 */
import { readFileSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Level } from 'level'
import { AssetManager } from '../src/assets/index.ts'
import { ExtensionManager, SIGNATURE_FILE, manifestForFiles, trustChainVerifier } from '../src/extension-manager/index.ts'
import { canonicalManifestBytes } from '../src/package/index.ts'
import { generateSigningKey, issuePublisher, issueRoot, signPackage, TrustStore } from '../src/trust/index.ts'
import type { Manifest } from '../src/package/index.ts'

/** Callers issuing asset operations at once: the seed's concurrent-operations quota. */
const CONCURRENT_CALLERS = 100

/** Offered load of the open-loop run: each caller issues one operation every 20 ms. */
const OPEN_LOOP_INTERVAL_MS = 20

/** How long the open-loop run lasts. */
const OPEN_LOOP_SECONDS = 3

/** Closed-loop rounds, alternating operation and baseline, so a passing load spike hits both. */
const ROUNDS = 4

const { values } = parseArgs({ options: { loads: { type: 'string', default: '50' }, ops: { type: 'string', default: '100000' } } })
/** Linux's USER_HZ, the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100

const LOADS = Number(values.loads)
const OPS = Number(values.ops)
const HELLO = fileURLToPath(new URL('../extensions/hello', import.meta.url))

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** CPU time (user + system) of a process in ms, from /proc; NaN where there is none. */
function hostCpuMs (pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND
  } catch {
    // not Linux: no per-process CPU times to read
    return NaN
  }
}

/**
 * How busy the machine was: CPUs, 1-minute load average, and the share of time some task
 * waited for a CPU (Linux pressure stall information; NaN where there is none). Latency tails
 * here are mostly waits for a CPU when the machine is shared.
 */
function machine (): { cpus: number, loadAverage1m: number, cpuPressureSomeAvg10: number } {
  let pressure = NaN
  try {
    pressure = Number(/some avg10=([0-9.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN)
  } catch {
    // not Linux, or a kernel without pressure stall information: the figure stays NaN
  }
  return { cpus: availableParallelism(), loadAverage1m: round3(loadavg()[0]), cpuPressureSomeAvg10: pressure }
}

/**
 * Latencies in a buffer sized up front: a growing array is copied as it grows, garbage the
 * harness would add to the node's heap while it measures.
 */
class Samples {
  readonly #values: Float64Array
  #length = 0

  constructor (capacity: number) {
    this.#values = new Float64Array(capacity)
  }

  push (value: number): void {
    this.#values[this.#length++] = value
  }

  get length (): number {
    return this.#length
  }

  values (): number[] {
    return Array.from(this.#values.subarray(0, this.#length))
  }
}

function summary (samples: number[] | Samples): { n: number, p50: number, p95: number, p99: number, max: number } {
  const sorted = (Array.isArray(samples) ? [...samples] : samples.values()).sort((a, b) => a - b)
  return { n: sorted.length, p50: round3(percentile(sorted, 50)), p95: round3(percentile(sorted, 95)), p99: round3(percentile(sorted, 99)), max: round3(sorted.at(-1) ?? 0) }
}

function round3 (v: number): number {
  return Math.round(v * 1000) / 1000
}

const dir = await mkdtemp(join(tmpdir(), 'hm-bench-ext-'))
try {
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: 'Bench Root', privateKey: rootKey }), privateKey: rootKey }
  const key = generateSigningKey()
  const scope = { namePrefixes: [''], capabilities: ['AssetManagement'] }
  const publisher = { certificate: await issuePublisher({ subject: 'Bench Publisher', publicKey: key.publicKey, issuer: root, scope }), privateKey: key.privateKey }

  // LOADS signed copies of extensions/hello, each its own id so each load is a cold one
  const helloManifest = JSON.parse(await readFile(join(HELLO, 'manifest.json'), 'utf8')) as Manifest
  const packages: string[] = []
  for (let i = 0; i < LOADS; i++) {
    const pkgDir = join(dir, 'packages', `hello-${i}`)
    await cp(join(HELLO, 'index.js'), join(pkgDir, 'index.js'))
    const code = await readFile(join(pkgDir, 'index.js'), 'utf8')
    await writeFile(join(pkgDir, 'index.js'), code.replace("type: 'Greeting'", `type: 'Greeting${i}'`))
    const manifest = await manifestForFiles(pkgDir, ['index.js'], {
      ...helloManifest, id: `hello-${i}`, provided_assets: [`Greeting${i}`], certificate_fingerprint: publisher.certificate.fingerprint
    })
    await writeFile(join(pkgDir, 'manifest.json'), JSON.stringify(manifest))
    const envelope = signPackage({ bytes: canonicalManifestBytes(manifest), key: publisher.privateKey, chain: [publisher.certificate] })
    await writeFile(join(pkgDir, SIGNATURE_FILE), JSON.stringify(envelope))
    packages.push(pkgDir)
  }

  const db = new Level<string, string>(join(dir, 'db'))
  const assets = await AssetManager.open({ db })
  const manager = new ExtensionManager(assets, {
    directories: [join(dir, 'installed')],
    db,
    signatureVerifier: trustChainVerifier(new TrustStore({ anchors: [root.certificate] })),
    policy: { default: ['AssetManagement'] }
  })
  await manager.start()

  // where a load's time goes: discovery checks, isolate start, initialize + registerAssets
  const phases = { discover: [] as number[], isolate: [] as number[], initialize: [] as number[] }
  let mark = 0
  const lap = (samples: number[]) => () => { const now = performance.now(); samples.push(now - mark); mark = now }
  manager.addEventListener('extension:discovered', lap(phases.discover))
  manager.addEventListener('extension:loading', () => { mark = performance.now() })
  manager.addEventListener('extension:loaded', lap(phases.isolate))
  manager.addEventListener('extension:running', lap(phases.initialize))

  const loadMs: number[] = []
  for (const [i, pkgDir] of packages.entries()) {
    const start = performance.now()
    mark = start
    const info = await manager.loadExtension(pkgDir)
    loadMs.push(performance.now() - start)
    if (info.state !== 'running') throw new Error(`hello-${i} is ${info.state}`)
    if (i > 0) await manager.unloadExtension(info.id)
  }

  // hello-0 stays running; its Greeting0 asset is the target of the operations
  const record = await assets.create('Greeting0', { name: 'bench' })
  const perCaller = Math.ceil(OPS / CONCURRENT_CALLERS / ROUNDS)
  const invokeMs = new Samples(perCaller * CONCURRENT_CALLERS * ROUNDS)
  const getMs = new Samples(perCaller * CONCURRENT_CALLERS * ROUNDS)
  // the operation is called as a caller would (no wrapper of the harness's own around it)
  const invoke = (): Promise<unknown> => assets.invoke(record.id, 'read', null)
  const get = (): Promise<unknown> => assets.get(record.id)
  const caller = async (samples: Samples, op: () => Promise<unknown>, count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const start = performance.now()
      await op()
      samples.push(performance.now() - start)
    }
  }
  const closedLoop = async (samples: Samples, op: () => Promise<unknown>): Promise<number> => {
    const start = performance.now()
    await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, async () => { await caller(samples, op, perCaller) }))
    return (performance.now() - start) / 1000
  }
  // warm-up, not counted: one round of each with all callers, so the rounds measure the steady
  // state (optimized code, grown heap) rather than the JIT compiling the concurrent path
  await closedLoop(new Samples(perCaller * CONCURRENT_CALLERS), invoke)
  await closedLoop(new Samples(perCaller * CONCURRENT_CALLERS), get)
  let invokeSeconds = 0
  let getSeconds = 0
  const invokeCpu = { node: 0, host: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    const nodeBefore = process.cpuUsage()
    const hostBefore = hostCpuMs(manager.hostPid)
    invokeSeconds += await closedLoop(invokeMs, invoke)
    const node = process.cpuUsage(nodeBefore)
    invokeCpu.node += (node.user + node.system) / 1000
    invokeCpu.host += hostCpuMs(manager.hostPid) - hostBefore
    getSeconds += await closedLoop(getMs, get)
  }

  // open loop: 100 callers each on a fixed schedule (5 000 operations/s offered). Latency is
  // counted from the start and the start's lag behind the schedule separately: a timer is late
  // by up to a millisecond anyway (the event loop's clock is coarse), which is not the path's
  // cost, while a stall shows as lag for every operation scheduled behind it
  const openMs: number[] = []
  const openLagMs: number[] = []
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  const openStart = performance.now()
  await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, async (_, c) => {
    const ops = Math.floor(OPEN_LOOP_SECONDS * 1000 / OPEN_LOOP_INTERVAL_MS)
    for (let i = 0; i < ops; i++) {
      const scheduled = openStart + i * OPEN_LOOP_INTERVAL_MS + (c * OPEN_LOOP_INTERVAL_MS) / CONCURRENT_CALLERS
      // a timer may also fire a fraction of a millisecond early
      for (let wait = scheduled - performance.now(); wait > 0; wait = scheduled - performance.now()) {
        await new Promise(resolve => setTimeout(resolve, wait))
      }
      const start = performance.now()
      openLagMs.push(start - scheduled)
      await assets.invoke(record.id, 'read', null)
      openMs.push(performance.now() - start)
    }
  }))

  loopDelay.disable()

  // the same operation with one caller: the cost of the path itself, without queueing
  const soloMs = new Samples(Math.min(OPS, 5000))
  await caller(soloMs, invoke, Math.min(OPS, 5000))

  await manager.stop()
  await assets.close()
  await db.close()

  const result = {
    node: process.version,
    machine: machine(),
    loads: { ...summary(loadMs), first: Math.round(loadMs[0] * 1000) / 1000, target: { p95: 50, seed: 100 } },
    loadPhases: { discover: summary(phases.discover), isolate: summary(phases.isolate), initialize: summary(phases.initialize) },
    assetInvoke: {
      ...summary(invokeMs),
      callers: CONCURRENT_CALLERS,
      opsPerSecond: Math.round(invokeMs.length / invokeSeconds),
      cpuMicrosPerOp: { node: round3(invokeCpu.node * 1000 / invokeMs.length), host: round3(invokeCpu.host * 1000 / invokeMs.length) },
      target: { p99: 2, seed: 10 }
    },
    assetGet: { ...summary(getMs), callers: CONCURRENT_CALLERS, opsPerSecond: Math.round(getMs.length / getSeconds) },
    assetInvokeOpenLoop: {
      ...summary(openMs),
      callers: CONCURRENT_CALLERS,
      offeredPerSecond: CONCURRENT_CALLERS * 1000 / OPEN_LOOP_INTERVAL_MS,
      startLag: summary(openLagMs),
      /** The node's own event-loop delay meanwhile: stalls here are the node's, not the extension host's. */
      nodeLoopDelayP99: Math.round(loopDelay.percentile(99) / 1e3) / 1e3,
      nodeLoopDelayMax: Math.round(loopDelay.max / 1e3) / 1e3
    },
    assetInvokeOneCaller: summary(soloMs),
    /** The whole path against the AssetManager alone, measured in the same run. */
    invokeVsGet: {} as { p50: number, p99: number }
  }
  result.invokeVsGet = { p50: round3(result.assetInvoke.p50 / result.assetGet.p50), p99: round3(result.assetInvoke.p99 / result.assetGet.p99) }
  const row = (name: string, s: { n: number, p50: number, p95: number, p99: number, max: number }): string =>
    `${name.padEnd(34)} ${String(s.n).padStart(6)} ${s.p50.toFixed(3).padStart(9)} ${s.p95.toFixed(3).padStart(9)} ${s.p99.toFixed(3).padStart(9)} ${s.max.toFixed(3).padStart(9)}`
  process.stdout.write([
    `${'measurement (ms)'.padEnd(34)} ${'n'.padStart(6)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}`,
    row('signed package on disk → ready', result.loads),
    row('  of which: read, hash, verify', result.loadPhases.discover),
    row('  of which: grant, start isolate', result.loadPhases.isolate),
    row('  of which: initialize, assets', result.loadPhases.initialize),
    row(`asset invoke, ${CONCURRENT_CALLERS} callers`, result.assetInvoke),
    row(`asset get, ${CONCURRENT_CALLERS} callers (baseline)`, result.assetGet),
    `${'  invoke ÷ baseline'.padEnd(34)} ${''.padStart(6)} ${(result.invokeVsGet.p50.toFixed(1) + '×').padStart(9)} ${''.padStart(9)} ${(result.invokeVsGet.p99.toFixed(1) + '×').padStart(9)}`,
    row(`asset invoke, ${CONCURRENT_CALLERS} callers, ${result.assetInvokeOpenLoop.offeredPerSecond}/s`, result.assetInvokeOpenLoop),
    row('  start lag behind the schedule', result.assetInvokeOpenLoop.startLag),
    row('asset invoke, 1 caller', result.assetInvokeOneCaller),
    `machine: ${result.machine.cpus} CPUs, load average ${result.machine.loadAverage1m}, some task waiting for a CPU ${result.machine.cpuPressureSomeAvg10} % of the last 10 s`,
    `invoke throughput ${result.assetInvoke.opsPerSecond}/s (CPU per operation: node ${result.assetInvoke.cpuMicrosPerOp.node} µs, host process ${result.assetInvoke.cpuMicrosPerOp.host} µs), get throughput ${result.assetGet.opsPerSecond}/s; node event-loop delay during the open loop p99 ${result.assetInvokeOpenLoop.nodeLoopDelayP99} ms, max ${result.assetInvokeOpenLoop.nodeLoopDelayMax} ms`,
    JSON.stringify(result)
  ].join('\n') + '\n')
} finally {
  await rm(dir, { recursive: true, force: true })
}
