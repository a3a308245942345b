import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { writeExtension } from '../fixtures/extensions/packages.ts'
import { startHarness, waitFor } from '../fixtures/extensions/manager.ts'
import type { Harness } from '../fixtures/extensions/manager.ts'

const MiB = 1024 * 1024
/** Small limits keep each test to a fraction of a second. */
const STORAGE_QUOTA = 64 * 1024
const BANDWIDTH = 3_000_000
const SENT = 1_500_000

describe('sandbox and quotas', () => {
  let h: Harness
  const held: Array<() => void> = []
  let sunk = 0

  before(async () => {
    h = await startHarness({
      quotas: { memoryBytes: 16 * MiB, cpuBurstMs: 300, callTimeoutMs: 250 },
      extensionQuotas: {
        writer: { storageBytes: STORAGE_QUOTA },
        hoarder: { storageBytes: 1024 },
        sender: { networkBytesPerSecond: BANDWIDTH },
        // V8 collects garbage repeatedly before it gives up on an allocation; give it the CPU to get there
        mem: { callTimeoutMs: 5000, cpuBurstMs: 10_000 },
        heap: { callTimeoutMs: 5000, cpuBurstMs: 10_000 }
      },
      policy: { default: ['AssetManagement'], extensions: { sender: ['NetworkAccess'], waiter: ['ProxyAccess'] } },
      network: { send: async (_from, _to, bytes) => { sunk += bytes.byteLength } },
      providers: { ProxyAccess: { wait: async () => { await new Promise<void>(resolve => held.push(resolve)) } } },
      restart: { initialDelayMs: 50 }
    }, async (dir) => {
      await writeExtension(dir, { id: 'bystander', code: 'let n = 0\nexport function ping () { return ["pong", ++n] }' })
      await writeExtension(dir, {
        id: 'mem',
        code: `export function buffers () { const keep = []; for (;;) keep.push(new ArrayBuffer(${MiB})) }
export function typed () { const keep = []; for (;;) keep.push(new Uint8Array(${MiB}).fill(1)) }`
      })
      await writeExtension(dir, { id: 'heap', code: 'export function grow () { const keep = []; for (let i = 0; ; i++) keep.push({ i, s: "x".repeat(64) + i }) }\nexport function ok () { return 1 }' })
      await writeExtension(dir, {
        id: 'spinner',
        code: `export function sync () { for (;;) {} }
export async function afterAwait () { await hm.log('about to spin'); for (;;) {} }
export function ok () { return 'ok' }`
      })
      await writeExtension(dir, {
        id: 'writer',
        code: `export async function fill (size) {
  let written = 0
  try { for (let i = 0; ; i++) { await hm.storage.put('k' + i, new Uint8Array(size)); written += size } }
  catch (err) { return { written, error: err.name, usage: await hm.storage.usage() } }
}
export async function overwrite () { await hm.storage.put('k0', new Uint8Array(10)); return await hm.storage.usage() }
export async function read (key) { return await hm.storage.get(key) }
export async function remove (key) { return await hm.storage.delete(key) }`
      })
      await writeExtension(dir, { id: 'hoarder', code: 'export function ok () { return 1 }\nexport function exportState () { return new Uint8Array(4096) }' })
      await writeExtension(dir, {
        id: 'sender',
        capabilities: ['NetworkAccess'],
        code: `export async function push (total, chunk) { for (let sent = 0; sent < total; sent += chunk) await hm.network.send('peer', new Uint8Array(chunk)); return total }`
      })
      await writeExtension(dir, {
        id: 'waiter',
        capabilities: ['ProxyAccess'],
        code: `export async function hold () { await hm.call('ProxyAccess', 'wait') ; return 'released' }
export async function fanout (n) {
  const results = await Promise.allSettled(Array.from({ length: n }, () => hm.call('ProxyAccess', 'wait')))
  return results.filter(r => r.status === 'rejected').map(r => r.reason.name)
}`
      })
      await writeExtension(dir, {
        id: 'denied',
        capabilities: ['NetworkAccess', 'AssetManagement'],
        code: `export async function send () { return await hm.network.send('peer', new Uint8Array(1)) }
export async function unrequested () { return await hm.call('VMExecution', 'run') }
export async function list () { return (await hm.assets.list()).length }`
      })
      await writeExtension(dir, {
        id: 'ambient',
        code: `export async function probe () {
  let dynamicImport
  try { await import('node:fs'); dynamicImport = 'allowed' } catch (err) { dynamicImport = 'refused' }
  return { require: typeof require, process: typeof process, fetch: typeof fetch, setTimeout: typeof setTimeout,
    Buffer: typeof Buffer, hostCall: typeof __hmHostCall, hmKeys: Object.keys(hm).sort(), dynamicImport }
}`
      })
      await writeExtension(dir, { id: 'importer', code: 'import fs from "node:fs"\nexport function read () { return fs.readFileSync("/etc/passwd", "utf8") }' })
    })
  })
  after(async () => { for (const release of held) release(); await h.close() })

  const bystanderStillWorks = async (): Promise<void> => {
    const [pong] = await h.manager.call('bystander', 'ping') as [string, number]
    assert.equal(pong, 'pong')
  }

  it('refuses ArrayBuffer allocations past the memory quota', async () => {
    await assert.rejects(h.manager.call('mem', 'buffers'), { name: 'MemoryQuotaExceededError' })
    await assert.rejects(h.manager.call('mem', 'typed'), { name: 'MemoryQuotaExceededError' })
    await bystanderStillWorks()
  })

  it('stops an extension whose heap outgrows its quota, and restarts it', async () => {
    await assert.rejects(h.manager.call('heap', 'grow'), { name: 'MemoryQuotaExceededError' })
    await bystanderStillWorks()
    await waitFor(() => h.manager.getExtension('heap')?.state === 'running', 5000, 'heap to restart')
    assert.equal(await h.manager.call('heap', 'ok'), 1)
  })

  it('stops a synchronous infinite loop at the per-run CPU limit', async () => {
    const start = performance.now()
    await assert.rejects(h.manager.call('spinner', 'sync'), { name: 'CpuQuotaExceededError' })
    assert.ok(performance.now() - start < 5000, 'stopped, not left spinning')
    await bystanderStillWorks()
  })

  it('stops a loop that starts after an await: the run that resumes it is bounded like any other', async () => {
    await waitFor(() => h.manager.getExtension('spinner')?.state === 'running', 5000, 'spinner to be running')
    const start = performance.now()
    await assert.rejects(h.manager.call('spinner', 'afterAwait'), { name: 'CpuQuotaExceededError' })
    assert.ok(performance.now() - start < 5000, 'stopped within the burst allowance, not left spinning')
    await bystanderStillWorks()
    await waitFor(() => h.manager.getExtension('spinner')?.state === 'running', 5000, 'spinner to restart')
    assert.equal(await h.manager.call('spinner', 'ok'), 'ok')
  })

  it('refuses a write past the storage quota, counting overwrites and deletes exactly', async () => {
    const result = await h.manager.call('writer', 'fill', [8 * 1024]) as { written: number, error: string, usage: { used: number, quota: number } }
    assert.equal(result.error, 'StorageQuotaExceededError')
    assert.ok(result.usage.used <= STORAGE_QUOTA)
    assert.ok(result.written >= STORAGE_QUOTA - 2 * 8 * 1024, `wrote ${result.written} bytes before the quota stopped it`)
    const before = result.usage.used
    const afterOverwrite = await h.manager.call('writer', 'overwrite') as { used: number }
    assert.equal(afterOverwrite.used, before - 8 * 1024 + 10)
    assert.deepEqual(await h.manager.call('writer', 'read', ['k0']), new Uint8Array(10))
    assert.equal(await h.manager.call('writer', 'remove', ['k0']), afterOverwrite.used - 10 - 'writer\u0000k0'.length)
    await bystanderStillWorks()
  })

  it('exported state counts against the storage quota; the extension is unloaded all the same', async () => {
    assert.equal(await h.manager.call('hoarder', 'ok'), 1)
    await assert.rejects(h.manager.unloadExtension('hoarder'), { name: 'StorageQuotaExceededError' })
    assert.equal(h.manager.getExtension('hoarder')?.state, 'unloaded')
  })

  it('holds NetworkAccess to its bandwidth (measured rate within 20 %)', async () => {
    sunk = 0
    const start = performance.now()
    await h.manager.call('sender', 'push', [SENT, 50_000])
    const seconds = (performance.now() - start) / 1000
    const rate = SENT / seconds
    assert.equal(sunk, SENT)
    assert.ok(Math.abs(rate - BANDWIDTH) / BANDWIDTH <= 0.2, `measured ${Math.round(rate)} B/s against a limit of ${BANDWIDTH}`)
    await bystanderStillWorks()
  })

  it('refuses the 101st concurrent call into an extension, then serves again', async () => {
    const calls = Array.from({ length: 100 }, async () => await h.manager.call('waiter', 'hold'))
    await waitFor(() => held.length === 100, 5000, '100 calls in flight')
    await assert.rejects(h.manager.call('waiter', 'hold'), { name: 'ConcurrencyQuotaExceededError' })
    await bystanderStillWorks()
    held.splice(0).forEach(release => { release() })
    assert.deepEqual(new Set(await Promise.all(calls)), new Set(['released']))
    const again = h.manager.call('waiter', 'hold')
    await waitFor(() => held.length === 1)
    held.splice(0).forEach(release => { release() })
    assert.equal(await again, 'released')
  })

  it('an aborted call returns at once, but its slot stays taken until the extension answers', async () => {
    const controller = new AbortController()
    const call = h.manager.call('waiter', 'hold', [], { signal: controller.signal })
    await waitFor(() => held.length === 1)
    controller.abort()
    await assert.rejects(call, { name: 'AbortError' })
    assert.equal(h.manager.getExtension('waiter')?.inFlight, 1)
    held.splice(0).forEach(release => { release() })
    await waitFor(() => h.manager.getExtension('waiter')?.inFlight === 0, 2000, 'the slot to be released')
  })

  it('refuses the 101st concurrent capability call out of an extension', async () => {
    const pending = h.manager.call('waiter', 'fanout', [101])
    await waitFor(() => held.length === 100, 5000, '100 capability calls in flight')
    held.splice(0).forEach(release => { release() })
    assert.deepEqual(await pending, ['ConcurrencyQuotaExceededError'])
  })

  it('a call to a capability that was not granted fails with CapabilityDeniedError', async () => {
    await assert.rejects(h.manager.call('denied', 'send'), { name: 'CapabilityDeniedError' })
    await assert.rejects(h.manager.call('denied', 'unrequested'), { name: 'CapabilityDeniedError' })
    assert.equal(typeof await h.manager.call('denied', 'list'), 'number', 'granted capabilities still work')
    const info = h.manager.getExtension('denied')
    assert.deepEqual(info?.grantedCapabilities, ['AssetManagement'])
    assert.deepEqual(info?.deniedCapabilities, ['NetworkAccess'])
  })

  it('package code has no ambient authority: no require, process, fetch, timers or imports', async () => {
    assert.deepEqual(await h.manager.call('ambient', 'probe'), {
      require: 'undefined', process: 'undefined', fetch: 'undefined', setTimeout: 'undefined', Buffer: 'undefined',
      hostCall: 'undefined', hmKeys: ['assets', 'call', 'capabilities', 'log', 'network', 'storage', 'utf8'], dynamicImport: 'refused'
    })
    await assert.rejects(h.manager.loadExtension('importer'), /cannot import modules/)
    assert.equal(h.manager.getExtension('importer')?.state, 'unloaded')
  })
})
