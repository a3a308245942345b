import { fork } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logger } from '@libp2p/logger'
import { AbortError } from '../../util/errors.ts'
import { ExtensionHostUnavailableError } from '../errors.ts'
import { Outbox } from './protocol.ts'
import { SlotTable } from './slot-table.ts'
import type { Batch, FlatAnswers, FlatCalls, FromHost, HostPermissions, LoadSpec, Outcome, ToHost, WireError } from './protocol.ts'
import type { ChildProcess } from 'node:child_process'

const log = logger('hypermesh:extension-manager:host')

/** How long the host process may take to start before the node gives up on it. */
export const HOST_START_TIMEOUT_MS = 10_000

/**
 * How often call deadlines are checked. One sweep for every call instead of a timer per call
 * (timers cost more than the rest of a call at tens of thousands of calls per second); a
 * deadline fires at most this late.
 */
export const DEADLINE_SWEEP_MS = 100

export interface HostCallOptions {
  /** Runs when the extension answers, also after the caller stopped waiting (frees a quota slot). */
  onAnswer?: () => void
  /** The caller stops waiting (AbortError) when this fires. */
  signal?: AbortSignal
  /** The caller stops waiting after this long with the callbacks' callTimeoutError. */
  timeoutMs?: number
}

const NO_OPTIONS: HostCallOptions = Object.freeze({})

/**
 * One call waiting for its answer. Reused once answered (HostProcess keeps the spare ones), so
 * the promise is the only object a call itself needs: ~90 of ~600 bytes per call in the node.
 */
class PendingCall {
  ext = ''
  method = ''
  resolve: (value: unknown) => void = unset
  reject: (err: Error) => void = unset
  options: HostCallOptions = NO_OPTIONS
  /** performance.now() past which the caller gets the callbacks' callTimeoutError. */
  expires = Infinity
  /** The caller has been answered already (timed out or aborted). */
  done = false
  onAbort?: () => void = undefined

  /** Drops what the answered call held, so a spare keeps no caller's values alive. */
  clear (): void {
    this.ext = ''
    this.method = ''
    this.resolve = unset
    this.reject = unset
    this.options = NO_OPTIONS
    this.done = false
    this.onAbort = undefined
  }
}

function unset (): void {}

/**
 * The call being made, for takeResolvers: call() sets it just before `new Promise` runs the
 * executor synchronously. One executor for every call instead of a closure (and its context)
 * per call, which was a quarter of what a call allocated in the node.
 */
let making: PendingCall | undefined

function takeResolvers (resolve: (value: unknown) => void, reject: (err: Error) => void): void {
  making!.resolve = resolve
  making!.reject = reject
}

const callsMessage = (ext: string, calls: FlatCalls): ToHost => ({ type: 'calls', ext, calls })

export interface HostCallbacks {
  /** A capability call from inside an isolate; the node decides it and returns the outcome. */
  onCapability: (ext: string, capability: string, operation: string, args: unknown[]) => Promise<Outcome>
  /** The host stopped an extension (memory, CPU). */
  onCrash: (ext: string, error: WireError) => void
  /** The host process itself ended. */
  onExit: (reason: string) => void
  /** The error a call that failed inside the host rejects with (default: an Error with the wire name). */
  callError?: (ext: string, method: string, error: WireError) => Error
  /** The error a caller gets when its `timeoutMs` has passed without an answer. */
  callTimeoutError?: (ext: string, method: string, ms: number) => Error
}

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/**
 * The node's side of the extension host process: starts it under the permission model, and
 * turns IPC messages into promises. Everything the process may read is listed here.
 */
export class HostProcess {
  readonly #child: ChildProcess
  readonly #pending = new SlotTable<{ resolve: (outcome: Outcome) => void }>()
  readonly #calls = new SlotTable<PendingCall>()
  /** Answered calls ready for reuse; never more than were once in flight together. */
  readonly #spare: PendingCall[] = []
  readonly #callbacks: HostCallbacks
  readonly #outbox: Outbox<ToHost>
  readonly #sweep: NodeJS.Timeout
  #exited?: string

  private constructor (child: ChildProcess, callbacks: HostCallbacks) {
    this.#child = child
    this.#callbacks = callbacks
    // the channel can close before 'exit' arrives; the exit handler answers what was pending
    this.#outbox = new Outbox<ToHost>(message => {
      if (this.#exited == null && child.connected) child.send(message, (err) => { if (err != null) log('send to host failed: %e', err) })
    })
    this.#sweep = setInterval(() => { this.#expire() }, DEADLINE_SWEEP_MS).unref()
    child.on('error', (err) => { log.error('extension host process: %e', err) })
  }

  static async start (callbacks: HostCallbacks): Promise<HostProcess> {
    const ivmPath = require.resolve('isolated-vm')
    const gypBuildDir = dirname(createRequire(ivmPath).resolve('node-gyp-build'))
    const areaDir = dirname(here)
    // the host script beside this one, as source (.ts) or as built into dist/ (.js)
    const child = fork(join(here, `extension-host${extname(fileURLToPath(import.meta.url))}`), [], {
      execArgv: [
        '--no-node-snapshot',
        '--permission',
        '--allow-addons',
        `--allow-fs-read=${areaDir}/`,
        `--allow-fs-read=${dirname(ivmPath)}/`,
        `--allow-fs-read=${gypBuildDir}/`,
        // isolated-vm's loader probes this file to choose between its glibc and musl builds
        '--allow-fs-read=/etc/alpine-release',
        '--disable-warning=SecurityWarning',
        // the host's garbage collection stays on its own thread: parallel scavenge helpers
        // woken on a small machine take a core from the node's main thread mid-call, and every
        // call in flight waits (measured with 100 callers on 2 cores: a quarter fewer
        // operations over 2 ms, p99 1.8 → 1.5 ms); the host's scavenges are small either way
        '--single-threaded-gc',
        // a young generation as small as the daemon's own (bin/hypermesh.mjs): with V8's default
        // one grown to 4 MB semi-spaces, the old generation's headroom (~7 MB over its ~9 MB)
        // was under the young generation's size, so incremental marking restarted after every
        // mark-compact and ran for good, slowing every scavenge (p90 1.4-2.3 ms at 100 callers);
        // with 1 MB semi-spaces scavenges come 2-3x as often and take 0.06-0.1 ms (p90 0.2)
        '--max-semi-space-size=1'
      ],
      env: { HYPERMESH_IVM_PATH: ivmPath },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    const host = new HostProcess(child, callbacks)
    await host.#ready()
    return host
  }

  get pid (): number | undefined {
    return this.#child.pid
  }

  get alive (): boolean {
    return this.#exited == null
  }

  async load (spec: LoadSpec): Promise<{ exports: string[] }> {
    return await this.#request({ type: 'load', id: 0, spec }) as { exports: string[] }
  }

  /**
   * Calls `method` of the extension's module. Calls made in one turn of the event loop cross
   * to the host together and into the isolate as one batch. Not async: this is the hot path of
   * every asset operation, where each promise layer shows.
   */
  call (ext: string, method: string, args: unknown[], options: HostCallOptions = NO_OPTIONS): Promise<unknown> {
    if (this.#exited != null) {
      options.onAnswer?.()
      return Promise.reject(new ExtensionHostUnavailableError(this.#exited))
    }
    const call = this.#spare.pop() ?? new PendingCall()
    call.ext = ext
    call.method = method
    call.options = options
    call.expires = options.timeoutMs == null ? Infinity : performance.now() + options.timeoutMs
    making = call
    const answered = new Promise(takeResolvers)
    making = undefined
    const signal = options.signal
    if (signal != null) {
      if (signal.aborted) {
        call.done = true
        call.reject(new AbortError())
      } else {
        call.onAbort = () => { call.done = true; call.reject(new AbortError()) }
        signal.addEventListener('abort', call.onAbort, { once: true })
      }
    }
    this.#outbox.list(ext, callsMessage).push(this.#calls.add(call), method, args)
    return answered
  }

  async unload (ext: string): Promise<void> {
    if (this.#exited != null) return
    await this.#request({ type: 'unload', id: 0, ext })
  }

  async permissions (): Promise<HostPermissions> {
    return await this.#request({ type: 'permissions', id: 0 }) as HostPermissions
  }

  /** Ends the host process (and every isolate in it). */
  async stop (): Promise<void> {
    if (this.#exited != null) return
    const exited = new Promise(resolve => this.#child.once('exit', resolve))
    this.#child.kill('SIGKILL')
    await exited
  }

  async #request (message: Exclude<ToHost, { type: 'calls' }>): Promise<unknown> {
    if (this.#exited != null) throw new ExtensionHostUnavailableError(this.#exited)
    const outcome = await new Promise<Outcome>(resolve => {
      this.#outbox.push({ ...message, id: this.#pending.add({ resolve }) })
    })
    if (outcome.ok) return outcome.value
    throw Object.assign(new Error(outcome.error.message), { name: outcome.error.name, wire: outcome.error })
  }

  async #ready (): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new ExtensionHostUnavailableError('it did not start in time')) }, HOST_START_TIMEOUT_MS)
      this.#child.once('error', reject)
      this.#child.on('exit', (code, signal) => {
        clearTimeout(timer)
        this.#exited = `exited with ${signal ?? code}`
        log('host process %s', this.#exited)
        clearInterval(this.#sweep)
        const error = { name: 'ExtensionCrashedError', message: `the extension host ${this.#exited}` }
        for (const id of this.#pending.ids()) this.#pending.take(id)?.resolve({ ok: false, error })
        for (const id of this.#calls.ids()) this.#answer(id, false, error)
        reject(new ExtensionHostUnavailableError(this.#exited))
        this.#callbacks.onExit(this.#exited)
      })
      this.#child.on('message', (message: FromHost | Batch<FromHost>) => {
        for (const m of message.type === 'batch' ? message.messages : [message]) {
          if (m.type === 'ready') { clearTimeout(timer); resolve() } else this.#dispatch(m)
        }
      })
    })
  }

  #dispatch (message: Exclude<FromHost, { type: 'ready' }>): void {
    if (message.type === 'answers') {
      const answers: FlatAnswers = message.answers
      for (let i = 0; i < answers.length; i += 3) this.#answer(answers[i] as number, answers[i + 1] as boolean, answers[i + 2])
    } else if (message.type === 'reply') {
      this.#pending.take(message.id)?.resolve(message.outcome)
    } else if (message.type === 'crashed') {
      this.#callbacks.onCrash(message.ext, message.error)
    } else {
      void this.#callbacks.onCapability(message.ext, message.capability, message.operation, message.args)
        .then(outcome => { this.#outbox.push({ type: 'capability-reply', id: message.id, outcome }) })
    }
  }

  #answer (id: number, ok: boolean, value: unknown): void {
    const call = this.#calls.take(id)
    if (call == null) return
    call.options.onAnswer?.()
    if (call.onAbort != null) call.options.signal?.removeEventListener('abort', call.onAbort)
    if (!call.done) {
      if (ok) call.resolve(value)
      else call.reject(this.#callError(call.ext, call.method, value as WireError))
    }
    call.clear()
    this.#spare.push(call)
  }

  #callError (ext: string, method: string, error: WireError): Error {
    return this.#callbacks.callError?.(ext, method, error) ?? Object.assign(new Error(error.message), { name: error.name, wire: error })
  }

  /** Callers whose deadline passed stop waiting; their calls stay pending until the host answers. */
  #expire (): void {
    const now = performance.now()
    for (const call of this.#calls.values()) {
      if (call.done || call.expires > now) continue
      call.done = true
      const ms = call.options.timeoutMs ?? 0
      call.reject(this.#callbacks.callTimeoutError?.(call.ext, call.method, ms) ?? new Error(`${call.ext} did not answer ${call.method} within ${ms} ms`))
    }
  }
}
