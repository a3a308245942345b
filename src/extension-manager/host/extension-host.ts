/**
 * The extension host: a child process of the node that runs one isolated-vm isolate per
 * extension and nothing else. It starts under the permission model (read access to its own
 * code and isolated-vm only; no writes, no child processes, no workers) as a second wall behind
 * the isolates, which see only `globalThis.hm`. Capability calls are forwarded to the node, which
 * decides and counts them; this process enforces what only it can see: heap (the isolate's
 * memoryLimit, ArrayBuffers included), CPU per run (`timeout`), and a rolling CPU budget (a
 * watchdog reading each isolate's cpuTime).
 *
 * Extension code runs only when this process's main thread enters the isolate synchronously
 * (`applySync` with the run's `timeout`): once per turn, with the capability answers and the
 * calls gathered in it; the promise continuations those answers resume run inside that run. So nothing runs in an isolate behind
 * this thread's back, every run (a loop after an `await` too) is bounded by the timeout, and a
 * call costs no thread hop. Capability requests and answers to calls whose export returned a
 * promise leave the isolate with `applyIgnored`, which never waits.
 */
import { createRequire } from 'node:module'
import { TokenBucket } from '../token-bucket.ts'
import { bootstrapSource, MODULE_EVALUATED_SUFFIX } from './bootstrap.ts'
import { Outbox, toWire } from './protocol.ts'
import { IdSet, SlotTable } from './slot-table.ts'
import type { Batch, FlatAnswers, FlatCalls, FromHost, HostPermissions, LoadSpec, Outcome, ToHost, WireError } from './protocol.ts'
import type * as IvmTypes from 'isolated-vm'

/** How often the watchdog reads CPU time: short enough to stop a runaway loop within a few ticks. */
const WATCHDOG_INTERVAL_MS = 10

const NS_PER_MS = 1e6

const ivm: typeof IvmTypes = createRequire(import.meta.url)(requiredEnv('HYPERMESH_IVM_PATH'))

interface Running {
  isolate: IvmTypes.Isolate
  context: IvmTypes.Context
  /** The isolate's entry function (see bootstrap.ts): capability answers, then calls. */
  enter: IvmTypes.Reference<(...args: unknown[]) => FlatAnswers>
  exportsRef: IvmTypes.Reference<unknown>
  /** The module has been evaluated: calls may run. */
  ready: boolean
  /** Calls gathered in this turn (flat triples, as they came from the node). */
  queue: FlatCalls
  /** Capability answers gathered in this turn (flat triples: request id, ok, value or error). */
  replies: unknown[]
  /** A run is scheduled for the end of this turn. */
  scheduled: boolean
  /** Ids of calls inside the isolate and not yet answered (those whose export returned a promise). */
  inside: IdSet
  spec: LoadSpec
  cpu: TokenBucket
  lastCpuNs: bigint
  stopped?: WireError
}

const running = new Map<string, Running>()
/** Capability requests forwarded to the node, by the id sent there: whose, and the isolate's own id. */
const pendingCapability = new SlotTable<{ entry: Running, requestId: number }>()

const outbox = new Outbox<FromHost>(message => { process.send?.(message) })
const answersMessage = (_key: string, answers: FlatAnswers): FromHost => ({ type: 'answers', answers })

/** Answers one call to the node (gathered with this turn's other answers into one message). */
function answer (callId: number, ok: boolean, value: unknown): void {
  outbox.list('', answersMessage).push(callId, ok, value)
}

/** Isolates still starting, so an unload (e.g. after the node gave up waiting) can end them too. */
const starting = new Map<string, IvmTypes.Isolate>()

const COPY = { copy: true } as const

async function load (spec: LoadSpec): Promise<unknown> {
  unload(spec.ext)
  const isolate = new ivm.Isolate({ memoryLimit: spec.memoryMb })
  starting.set(spec.ext, isolate)
  try {
    const context = await isolate.createContext()
    // filled in as the isolate comes up; capability answers may arrive before the module has finished evaluating
    const entry: Running = {
      isolate, context, spec, ready: false, queue: [], replies: [], scheduled: false, inside: new IdSet(),
      enter: undefined as never, exportsRef: undefined as never,
      cpu: new TokenBucket(spec.cpuPercent * 10, spec.cpuBurstMs),
      lastCpuNs: 0n
    }
    const settle = new ivm.Reference((callId: number, ok: boolean, value: unknown) => {
      // a call the host already answered (its run failed, or the extension was stopped) stays answered
      if (!entry.inside.delete(callId)) return
      if (ok) answer(callId, true, value)
      else answer(callId, false, memoryFailure(isolate, value) ?? value)
    })
    const hostCall = new ivm.Reference((requestId: number, capability: string, operation: string, args: unknown[]) => {
      if (entry.stopped != null) return
      outbox.push({ type: 'capability', id: pendingCapability.add({ entry, requestId }), ext: spec.ext, capability, operation, args })
    })
    let markEvaluated!: () => void
    const evaluated = new Promise<void>(resolve => { markEvaluated = resolve })
    const evaluatedRef = new ivm.Reference(() => { markEvaluated() })
    entry.enter = await context.evalClosure(bootstrapSource(spec.capabilities), [hostCall, settle, evaluatedRef], { result: { reference: true }, timeout: spec.callTimeoutMs })
    const module = await isolate.compileModule(spec.code + MODULE_EVALUATED_SUFFIX, { filename: spec.filename })
    await module.instantiate(context, (specifier: string) => {
      throw new Error(`extensions cannot import modules ("${specifier}"); use globalThis.hm`)
    })
    await module.evaluate({ timeout: spec.callTimeoutMs })
    // top-level awaits (capability answers delivered by run()) may still be pending
    await untilEvaluated(evaluated, isolate)
    entry.exportsRef = module.namespace
    const names = await context.evalClosure('return Object.keys($0)', [entry.exportsRef.derefInto()], { result: COPY, timeout: spec.callTimeoutMs }) as string[]
    if (entry.stopped != null) throw Object.assign(new Error(entry.stopped.message), { name: entry.stopped.name })
    entry.ready = true
    entry.lastCpuNs = isolate.cpuTime
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

/** How often a load waiting for a module's top-level awaits checks whether its isolate was disposed. */
const EVALUATION_POLL_MS = 50

/**
 * Resolves once the module's last statement ran; rejects if the isolate is disposed first (the
 * node unloads an extension whose load outlives its lifecycle timeout, e.g. a top-level await
 * that rejected or never settles).
 */
async function untilEvaluated (evaluated: Promise<void>, isolate: IvmTypes.Isolate): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const disposed = new Promise<never>((_resolve, reject) => {
    timer = setInterval(() => {
      if (isolate.isDisposed) reject(Object.assign(new Error('the extension was unloaded before its module finished evaluating'), { name: 'ExtensionUnloadedError' }))
    }, EVALUATION_POLL_MS)
  })
  try {
    await Promise.race([evaluated, disposed])
  } finally {
    clearInterval(timer)
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
 * Calls into an isolate gather for the rest of this turn (every call the node sent in one IPC
 * read) and then run as one batch: one entry into the isolate, however many calls.
 */
function enqueue (ext: string, calls: FlatCalls): void {
  const entry = running.get(ext)
  if (entry == null) {
    const error = { name: 'ExtensionNotLoadedError', message: `extension ${ext} is not loaded in the host` }
    for (let i = 0; i < calls.length; i += 3) answer(calls[i] as number, false, error)
    return
  }
  // the array as it came when nothing is queued yet (the usual case): no copy of every call
  if (entry.queue.length === 0) entry.queue = calls
  else for (let i = 0; i < calls.length; i++) entry.queue.push(calls[i])
  schedule(entry)
}

function schedule (entry: Running): void {
  if (entry.scheduled) return
  entry.scheduled = true
  queueMicrotask(() => { run(entry) })
}

/**
 * One synchronous run: the capability answers gathered this turn (they continue work begun
 * earlier; their continuations run before the run ends), then the calls.
 */
function run (entry: Running): void {
  entry.scheduled = false
  if (entry.stopped != null) return
  const replies = entry.replies
  // no calls before the module has been evaluated; answers to its top-level capability calls may come
  const batch = entry.ready ? entry.queue : []
  if (replies.length === 0 && batch.length === 0) return
  entry.replies = []
  if (entry.ready) entry.queue = []
  for (let i = 0; i < batch.length; i += 3) entry.inside.add(batch[i] as number)
  let answers: FlatAnswers
  try {
    answers = entry.enter.applySync(undefined, [entry.ready ? entry.exportsRef.derefInto() : undefined, batch, replies], { arguments: COPY, result: COPY, timeout: entry.spec.callTimeoutMs })
  } catch (err) {
    const error = runFailure(entry, err)
    if (replies.length > 0) {
      // continuations were cut off midway: the extension's state cannot be trusted any more
      if (entry.ready) stop(entry, error)
      else entry.stopped = error
      if (!entry.isolate.isDisposed) entry.isolate.dispose()
    }
    for (let i = 0; i < batch.length; i += 3) {
      if (entry.inside.delete(batch[i] as number)) answer(batch[i] as number, false, error)
    }
    return
  }
  for (let i = 0; i < answers.length; i += 3) {
    entry.inside.delete(answers[i] as number)
    if (answers[i + 1] !== true) answers[i + 2] = memoryFailure(entry.isolate, answers[i + 2]) ?? answers[i + 2]
  }
  // the run's answers array itself goes out when it is this turn's first (no copy of every answer)
  outbox.append('', answersMessage, answers)
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
  if (running.get(entry.spec.ext) === entry) running.delete(entry.spec.ext)
  if (!entry.isolate.isDisposed) entry.isolate.dispose()
  settleAll(entry, error)
  outbox.push({ type: 'crashed', ext: entry.spec.ext, error })
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
  for (const callId of entry.inside.values()) answer(callId, false, error)
  entry.inside.clear()
  for (let i = 0; i < entry.queue.length; i += 3) answer(entry.queue[i] as number, false, error)
  entry.queue = []
  entry.replies = []
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
    const pending = pendingCapability.take(message.id)
    if (pending == null || pending.entry.stopped != null) return
    const { outcome } = message
    pending.entry.replies.push(pending.requestId, outcome.ok, outcome.ok ? outcome.value : outcome.error)
    schedule(pending.entry)
    return
  }
  if (message.type === 'calls') {
    enqueue(message.ext, message.calls)
    return
  }
  let outcome: Outcome
  try {
    if (message.type === 'load') outcome = { ok: true, value: await load(message.spec) }
    else if (message.type === 'permissions') outcome = { ok: true, value: permissions() }
    else { unload(message.ext); outcome = { ok: true, value: undefined } }
  } catch (err) {
    outcome = { ok: false, error: toWire(err) }
  }
  outbox.push({ type: 'reply', id: message.id, outcome })
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
outbox.push({ type: 'ready' })
