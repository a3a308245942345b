/**
 * The extension host: a child process of the node that runs one isolated-vm isolate per
 * extension and nothing else. It starts under the permission model (read access to its own
 * code and isolated-vm only; no writes, no child processes, no workers) as a second wall behind
 * the isolates, which see only `globalThis.hm`. Capability calls are forwarded to the node, which
 * decides and counts them; this process enforces what only it can see: heap (the isolate's
 * memoryLimit, ArrayBuffers included), CPU per synchronous run (`timeout`), and a rolling CPU
 * budget (a watchdog reading each isolate's cpuTime, which also catches loops that start after
 * an `await`, where `timeout` no longer applies).
 */
import { createRequire } from 'node:module'
import { TokenBucket } from '../token-bucket.ts'
import { bootstrapSource } from './bootstrap.ts'
import { batchingSender, toWire } from './protocol.ts'
import type { Batch, FromHost, HostPermissions, LoadSpec, Outcome, ToHost, WireError } from './protocol.ts'
import type * as IvmTypes from 'isolated-vm'

/** How often the watchdog reads CPU time: short enough to stop a runaway loop within a few ticks. */
const WATCHDOG_INTERVAL_MS = 10

const NS_PER_MS = 1e6

const ivm: typeof IvmTypes = createRequire(import.meta.url)(requiredEnv('HYPERMESH_IVM_PATH'))

type Answer = Outcome | { pending: true }

interface QueuedCall {
  callId: number
  method: string
  args: unknown[]
  resolve: (outcome: Outcome) => void
}

interface Running {
  isolate: IvmTypes.Isolate
  context: IvmTypes.Context
  invoke: IvmTypes.Reference<(...args: unknown[]) => Answer[]>
  queue: QueuedCall[]
  /** A batch is running in the isolate. */
  busy: boolean
  /** Calls whose export returned a promise, by call id, until the isolate settles them. */
  pending: Map<number, (outcome: Outcome) => void>
  exportsRef: IvmTypes.Reference<unknown>
  spec: LoadSpec
  cpu: TokenBucket
  lastCpuNs: bigint
  stopped?: WireError
}

const running = new Map<string, Running>()
const pendingCapability = new Map<number, (outcome: Outcome) => void>()
let nextCapabilityId = 0
let nextCallId = 0

const send = batchingSender<FromHost>(message => { process.send?.(message) })

/** Isolates still starting, so an unload (e.g. after the node gave up waiting) can end them too. */
const starting = new Map<string, IvmTypes.Isolate>()

async function load (spec: LoadSpec): Promise<unknown> {
  unload(spec.ext)
  const isolate = new ivm.Isolate({ memoryLimit: spec.memoryMb })
  starting.set(spec.ext, isolate)
  const pending = new Map<number, (outcome: Outcome) => void>()
  try {
    const context = await isolate.createContext()
    await context.global.set('__hmSettle', new ivm.Reference((callId: number, outcome: Outcome) => {
      const settle = pending.get(callId)
      pending.delete(callId)
      settle?.(outcome)
    }))
    await context.global.set('__hmHostCall', new ivm.Reference(async (capability: string, operation: string, args: unknown[]) => {
      return await new Promise<Outcome>(resolve => {
        const id = nextCapabilityId++
        pendingCapability.set(id, resolve)
        send({ type: 'capability', id, ext: spec.ext, capability, operation, args })
      })
    }))
    await context.eval(bootstrapSource(spec.capabilities), { timeout: spec.callTimeoutMs })
    const invoke = await context.global.get('__hmInvoke', { reference: true })
    await context.global.delete('__hmInvoke')
    const module = await isolate.compileModule(spec.code, { filename: spec.filename })
    await module.instantiate(context, (specifier: string) => {
      throw new Error(`extensions cannot import modules ("${specifier}"); use globalThis.hm`)
    })
    await module.evaluate({ timeout: spec.callTimeoutMs })
    const exportsRef = module.namespace
    const names = await context.evalClosure('return Object.keys($0)', [exportsRef.derefInto()], { result: { copy: true }, timeout: spec.callTimeoutMs }) as string[]
    const entry: Running = {
      isolate, context, invoke, exportsRef, spec, pending, queue: [], busy: false,
      cpu: new TokenBucket(spec.cpuPercent * 10, spec.cpuBurstMs),
      lastCpuNs: isolate.cpuTime
    }
    running.set(spec.ext, entry)
    return { exports: names }
  } catch (err) {
    const wire = memoryFailure(isolate, err) ?? toWire(err)
    if (!isolate.isDisposed) isolate.dispose()
    throw Object.assign(new Error(wire.message), { name: wire.name })
  } finally {
    if (starting.get(spec.ext) === isolate) starting.delete(spec.ext)
  }
}

/** A failed run caused by the memory limit, named so the node can tell it from an ordinary throw. */
function memoryFailure (isolate: IvmTypes.Isolate, err: unknown): WireError | undefined {
  const message = String((err as Error)?.message ?? err)
  if (/memory limit|allocation failed|out of memory/i.test(message) || (isolate.isDisposed && /disposed/i.test(message))) {
    return { name: 'MemoryQuotaExceededError', message }
  }
  return undefined
}

/**
 * A call into an isolate. Calls queue per isolate and run in batches: while one batch runs,
 * the next gathers, so a busy extension pays one thread hop per batch instead of per call,
 * and an idle one still answers at once. An isolate runs one thing at a time anyway.
 */
async function call (ext: string, method: string, args: unknown[]): Promise<unknown> {
  const entry = running.get(ext)
  if (entry == null) throw Object.assign(new Error(`extension ${ext} is not loaded in the host`), { name: 'ExtensionNotLoadedError' })
  const outcome = await new Promise<Outcome>(resolve => {
    entry.queue.push({ callId: nextCallId++, method, args, resolve })
    void pump(entry)
  })
  if (outcome.ok) return outcome.value
  const error = memoryFailure(entry.isolate, outcome.error) ?? outcome.error
  throw Object.assign(new Error(error.message), { name: error.name })
}

async function pump (entry: Running): Promise<void> {
  if (entry.busy || entry.queue.length === 0) return
  entry.busy = true
  const batch = entry.queue.splice(0)
  // registered first: the isolate may settle a call before apply() has returned here
  for (const c of batch) entry.pending.set(c.callId, c.resolve)
  try {
    const answers = await entry.invoke.apply(undefined, [entry.exportsRef.derefInto(), batch.map(c => [c.callId, c.method, c.args])], {
      arguments: { copy: true }, result: { copy: true }, timeout: entry.spec.callTimeoutMs
    })
    batch.forEach((c, i) => {
      const answer = answers[i]
      if ('pending' in answer) return
      entry.pending.delete(c.callId)
      c.resolve(answer)
    })
  } catch (err) {
    const error = runFailure(entry, err)
    for (const c of batch) {
      entry.pending.delete(c.callId)
      c.resolve({ ok: false, error })
    }
  } finally {
    entry.busy = false
  }
  void pump(entry)
}

/** Why a run of extension code failed as a whole: the extension was stopped, ran out of memory or of time. */
function runFailure (entry: Running, err: unknown): WireError {
  if (entry.stopped != null) return entry.stopped
  const memory = memoryFailure(entry.isolate, err)
  if (memory != null) {
    stop(entry, memory)
    return memory
  }
  if (/timed out/i.test(String((err as Error)?.message))) {
    return { name: 'CpuQuotaExceededError', message: `one run took more than ${entry.spec.callTimeoutMs} ms of CPU` }
  }
  return toWire(err)
}

/** Ends an extension the host had to stop (memory, CPU); the node decides whether to restart it. */
function stop (entry: Running, error: WireError): void {
  if (entry.stopped != null) return
  entry.stopped = error
  running.delete(entry.spec.ext)
  if (!entry.isolate.isDisposed) entry.isolate.dispose()
  settleAll(entry, error)
  send({ type: 'crashed', ext: entry.spec.ext, error })
}

function unload (ext: string): void {
  const startingIsolate = starting.get(ext)
  starting.delete(ext)
  if (startingIsolate?.isDisposed === false) startingIsolate.dispose()
  const entry = running.get(ext)
  if (entry == null) return
  running.delete(ext)
  entry.stopped = { name: 'ExtensionUnloadedError', message: `extension ${ext} was unloaded` }
  if (!entry.isolate.isDisposed) entry.isolate.dispose()
  settleAll(entry, entry.stopped)
}

/** Answers every call still waiting on a stopped isolate, which will never settle them itself. */
function settleAll (entry: Running, error: WireError): void {
  for (const settle of entry.pending.values()) settle({ ok: false, error })
  entry.pending.clear()
  for (const queued of entry.queue.splice(0)) queued.resolve({ ok: false, error })
}

function watchdog (): void {
  for (const entry of running.values()) {
    if (entry.isolate.isDisposed) {
      stop(entry, { name: 'MemoryQuotaExceededError', message: 'the isolate was disposed by V8' })
      continue
    }
    const now = entry.isolate.cpuTime
    entry.cpu.debit(Number(now - entry.lastCpuNs) / NS_PER_MS)
    entry.lastCpuNs = now
    if (entry.cpu.tokens < 0) {
      stop(entry, { name: 'CpuQuotaExceededError', message: `used more than ${entry.spec.cpuPercent} % of a core beyond a ${entry.spec.cpuBurstMs} ms burst` })
    }
  }
}

async function handle (message: ToHost): Promise<void> {
  if (message.type === 'capability-reply') {
    const resolve = pendingCapability.get(message.id)
    pendingCapability.delete(message.id)
    resolve?.(message.outcome)
    return
  }
  let outcome: Outcome
  try {
    if (message.type === 'load') outcome = { ok: true, value: await load(message.spec) }
    else if (message.type === 'call') outcome = { ok: true, value: await call(message.ext, message.method, message.args) }
    else if (message.type === 'permissions') outcome = { ok: true, value: permissions() }
    else { unload(message.ext); outcome = { ok: true, value: undefined } }
  } catch (err) {
    outcome = { ok: false, error: toWire(err) }
  }
  send({ type: 'reply', id: message.id, outcome })
}

function permissions (): HostPermissions {
  const p = process.permission
  return {
    permissionModel: p != null,
    readOutsideOwnCode: p == null || p.has('fs.read', '/etc/hostname'),
    write: p == null || p.has('fs.write'),
    childProcess: p == null || p.has('child'),
    worker: p == null || p.has('worker')
  }
}

function requiredEnv (name: string): string {
  const value = process.env[name]
  if (value == null) throw new Error(`${name} is not set; the extension host is started by the node`)
  return value
}

process.on('message', (message: ToHost | Batch<ToHost>) => {
  if (message.type === 'batch') for (const m of message.messages) void handle(m)
  else void handle(message)
})
process.on('disconnect', () => { process.exit(0) })
setInterval(watchdog, WATCHDOG_INTERVAL_MS)
send({ type: 'ready' })
