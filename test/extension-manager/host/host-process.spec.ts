import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { HostProcess } from '../../../src/extension-manager/host/host-process.ts'
import { waitFor } from '../../fixtures/extensions/manager.ts'
import type { Outcome, WireError } from '../../../src/extension-manager/host/protocol.ts'

/** Short enough that a test waiting for it stays fast, long enough for a loaded machine to finish a real run. */
const CALL_TIMEOUT_MS = 300

/**
 * `run()` answers the number of the isolate run it came in: a microtask queued by the first
 * call of a run bumps the counter when that run ends, so calls of one run share a number.
 */
const BATCHER = `
let run = 0
let queued = false
export function run_ () {
  if (!queued) { queued = true; Promise.resolve().then(() => { run++; queued = false }) }
  return run
}
export async function later (x) { await hm.call('ProxyAccess', 'echo', x); return x * 2 }
export function fail () { throw new RangeError('no') }
export async function hold () { return await hm.call('ProxyAccess', 'hold') }
export async function spin () { await hm.call('ProxyAccess', 'echo', 1); for (;;) {} }
export function ping () { return 'pong' }
export function args (...xs) { return xs }
`

function spec (ext: string): Parameters<HostProcess['load']>[0] {
  return { ext, code: BATCHER, filename: `${ext}.js`, capabilities: ['ProxyAccess'], memoryMb: 32, callTimeoutMs: CALL_TIMEOUT_MS, cpuPercent: 100, cpuBurstMs: 10_000 }
}

describe('extension host process', () => {
  let host: HostProcess
  const held: Array<() => void> = []
  const crashes: Array<{ ext: string, error: WireError }> = []

  before(async () => {
    host = await HostProcess.start({
      onCapability: async (_ext, _capability, operation, args): Promise<Outcome> => {
        if (operation === 'hold') await new Promise<void>(resolve => held.push(resolve))
        return { ok: true, value: args[0] ?? 'released' }
      },
      onCrash: (ext, error) => { crashes.push({ ext, error }) },
      onExit: () => {},
      callTimeoutError: (ext, method, ms) => Object.assign(new Error(`${ext} ${method} ${ms}`), { name: 'LateError' })
    })
    await host.load(spec('a'))
    await host.load(spec('b'))
  })
  after(async () => { await host.stop() })

  it('calls made in one turn enter the isolate as one run, and each caller gets its own answer', async () => {
    const [r1, r2, later, failed, unknown, r3] = await Promise.allSettled([
      host.call('a', 'run_', []), host.call('a', 'run_', []), host.call('a', 'later', [21]),
      host.call('a', 'fail', []), host.call('a', 'nothing', []), host.call('a', 'run_', [])
    ])
    assert.equal(r1.status, 'fulfilled')
    assert.deepEqual([r2, r3].map(r => r.status === 'fulfilled' && r.value), [(r1 as PromiseFulfilledResult<number>).value, (r1 as PromiseFulfilledResult<number>).value])
    assert.deepEqual(later, { status: 'fulfilled', value: 42 })
    assert.equal(failed.status === 'rejected' && failed.reason.name, 'RangeError')
    assert.equal(unknown.status === 'rejected' && unknown.reason.name, 'UnknownMethodError')
    const next = await host.call('a', 'run_', [])
    assert.notEqual(next, (r1 as PromiseFulfilledResult<number>).value, 'a call in a later turn is a later run')
  })

  it('calls of every arity in one run each get exactly their own arguments', async () => {
    const arities = [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7], [undefined, null, 'x']]
    assert.deepEqual(await Promise.all(arities.map(async a => await host.call('a', 'args', a))), arities)
  })

  it('a caller past its deadline stops waiting; onAnswer runs only when the extension answers', async () => {
    let answered = false
    const start = performance.now()
    const call = host.call('a', 'hold', [], { timeoutMs: 50, onAnswer: () => { answered = true } })
    await assert.rejects(call, { name: 'LateError', message: 'a hold 50' })
    assert.ok(performance.now() - start >= 50)
    await waitFor(() => held.length === 1, 5000, 'the capability call to arrive')
    assert.equal(answered, false, 'the call is still inside the extension')
    held.splice(0).forEach(release => { release() })
    await waitFor(() => answered, 5000, 'the extension to answer')
  })

  it('an aborted caller stops waiting at once', async () => {
    const controller = new AbortController()
    const call = host.call('a', 'hold', [], { signal: controller.signal })
    controller.abort()
    await assert.rejects(call, { name: 'AbortError' })
    await waitFor(() => held.length === 1, 5000, 'the capability call to arrive')
    held.splice(0).forEach(release => { release() })
  })

  it('answered calls are reused without mixing callers: a late answer to a caller who stopped waiting reaches no later caller', async () => {
    let answers = 0
    const late = host.call('a', 'hold', [], { timeoutMs: 50, onAnswer: () => { answers++ } })
    await assert.rejects(late, { name: 'LateError' })
    await waitFor(() => held.length === 1, 5000, 'the capability call to arrive')
    // calls made while the late one is still inside, then after it was answered (its record reused)
    const before = Promise.all([1, 2, 3].map(async x => await host.call('a', 'later', [x])))
    held.splice(0).forEach(release => { release() })
    assert.deepEqual(await before, [2, 4, 6])
    await waitFor(() => answers === 1, 5000, 'the late call to be answered')
    assert.deepEqual(await Promise.all([4, 5, 6, 7].map(async x => await host.call('a', 'later', [x]))), [8, 10, 12, 14])
    assert.equal(answers, 1, 'onAnswer ran once, for its own call')
  })

  it('a module whose top level awaits a capability starts once the answer is delivered', async () => {
    await host.load({ ...spec('tla'), code: 'const greeting = await hm.call("ProxyAccess", "echo", "hi")\nexport function get () { return greeting }' })
    assert.equal(await host.call('tla', 'get', []), 'hi')
  })

  it('a loop after an await is cut off at the run timeout; another extension waits at most about that long', async () => {
    const spinning = assert.rejects(host.call('b', 'spin', []), { name: 'CpuQuotaExceededError' })
    // let the spin begin: its continuation runs when the capability answer is delivered
    await new Promise(resolve => setTimeout(resolve, 20))
    const start = performance.now()
    assert.equal(await host.call('a', 'ping', []), 'pong')
    const waited = performance.now() - start
    await spinning
    assert.ok(waited < CALL_TIMEOUT_MS + 1000, `a waited ${Math.round(waited)} ms behind b's loop`)
    assert.deepEqual(crashes.map(c => [c.ext, c.error.name]), [['b', 'CpuQuotaExceededError']])
    await assert.rejects(host.call('b', 'ping', []), { name: 'ExtensionNotLoadedError' })
  })
})
