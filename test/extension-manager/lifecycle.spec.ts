import assert from 'node:assert/strict'
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { trustChainVerifier } from '../../src/extension-manager/index.ts'
import { issueRevocationList } from '../../src/trust/index.ts'
import { makeTestPki, writeExtension } from '../fixtures/extensions/packages.ts'
import { startHarness, waitFor } from '../fixtures/extensions/manager.ts'
import type { Harness } from '../fixtures/extensions/manager.ts'

const HELLO = fileURLToPath(new URL('../../extensions/hello', import.meta.url))

const counter = (version: string, extra = ''): string => `let count = 0
export function initialize (config, state) { count = state?.count ?? 0 ${extra} }
export function bump () { return ++count }
export function version () { return '${version}' }
export function exportState () { return { count } }
export async function spinLater () { await hm.log('spin'); for (;;) {} }`

describe('lifecycle', () => {
  describe('hello, lazy loading, state across restarts', () => {
    let h: Harness
    before(async () => {
      h = await startHarness({ extensionConfig: { hello: { greeting: 'Hi' } } }, async dir => { await cp(HELLO, join(dir, 'hello'), { recursive: true }) })
    })
    after(async () => { await h.close() })

    it('discovers without loading, then loads on first use of a provided asset type', async () => {
      assert.equal(h.manager.getExtension('hello')?.state, 'discovered')
      assert.deepEqual(h.events, ['discovered hello'])
      assert.equal(h.manager.hostPid, undefined, 'no host process before an extension runs')
      const record = await h.assets.create('Greeting', { name: 'Ada' })
      assert.equal(typeof h.manager.hostPid, 'number')
      assert.equal(record.owner, 'hello')
      assert.equal(record.metadata.text, 'Hi, Ada!')
      assert.equal(h.manager.getExtension('hello')?.state, 'running')
      assert.deepEqual(h.events, [
        'discovered hello', 'loading hello', 'granted hello', 'loaded hello', 'initialized hello', 'assets-registered hello', 'running hello'
      ])
      assert.equal(await h.assets.invoke(record.id, 'read', null), 'Hi, Ada!')
    })

    it('serves requests, refuses lifecycle hooks out of turn and unknown methods by name', async () => {
      assert.equal(await h.manager.call('hello', 'hello', ['Bob']), 'Hi, Bob!')
      await assert.rejects(h.manager.call('hello', 'exportState'), { name: 'ReservedMethodError' })
      await assert.rejects(h.manager.call('hello', 'nope'), { name: 'ExtensionCallError', message: /UnknownMethodError/ })
      await assert.rejects(h.manager.call('nobody', 'hello'), { name: 'ExtensionNotFoundError' })
    })

    it('shutdown exports state, and the next load (a new manager on the same database) sees it', async () => {
      const { greetings } = await h.manager.call('hello', 'stats') as { greetings: number }
      assert.ok(greetings >= 1)
      await h.manager.unloadExtension('hello')
      assert.equal(h.manager.getExtension('hello')?.state, 'unloaded')
      assert.deepEqual(h.events.slice(-3), ['state-exported hello', 'shutdown hello', 'unloaded hello'])
      await assert.rejects(h.manager.call('hello', 'stats'), { name: 'ExtensionNotReadyError' }, 'an unloaded extension stays stopped')
      const manager = await h.restart()
      assert.deepEqual(await manager.call('hello', 'stats'), { greetings })
    })
  })

  describe('hot reload, crashes, dependencies, install', () => {
    let h: Harness
    let proofsSeen: Array<{ operation: string, packageDigest: string }>
    before(async () => {
      proofsSeen = []
      h = await startHarness({
        restart: { initialDelayMs: 40, maxRestarts: 3 },
        quotas: { cpuBurstMs: 100 },
        proofVerifier: {
          verify: async (proof, binding) => {
            if (proof !== 'valid-proof') throw Object.assign(new Error('bad proof'), { name: 'InvalidProofError' })
            proofsSeen.push(binding)
          }
        }
      }, async dir => {
        await writeExtension(dir, { id: 'counter', version: '1.0.0', code: counter('1') })
        await writeExtension(dir, { id: 'base', version: '1.4.0', code: 'export function ok () { return true }' })
        await writeExtension(dir, { id: 'top', code: 'export function ok () { return true }', dependencies: [{ extension_id: 'base', version_requirement: '^1.2.0' }] })
        await writeExtension(dir, { id: 'needs-new', code: '', dependencies: [{ extension_id: 'base', version_requirement: '>=2.0.0' }] })
        await writeExtension(dir, { id: 'orphan', code: '', dependencies: [{ extension_id: 'ghost', version_requirement: '*' }] })
        await writeExtension(dir, { id: 'crasher', code: counter('1') })
      })
    })
    after(async () => { await h.close() })

    it('hot reload hands the exported state to the new version', async () => {
      assert.equal(await h.manager.call('counter', 'bump'), 1)
      assert.equal(await h.manager.call('counter', 'bump'), 2)
      const v2 = await writeExtension(join(h.dir, 'staging'), { id: 'counter', version: '2.0.0', code: counter('2') })
      let during: Promise<unknown> | undefined
      h.manager.addEventListener('extension:reloading', () => { during ??= h.manager.call('counter', 'version') }, { once: true })
      const info = await h.manager.reloadExtension('counter', { dir: v2 })
      assert.equal(info.version, '2.0.0')
      assert.equal(await during, '2', 'a call made during the swap waits for the new version')
      assert.equal(await h.manager.call('counter', 'version'), '2')
      assert.equal(await h.manager.call('counter', 'bump'), 3)
      assert.ok(h.events.includes('reloaded counter'))
    })

    it('a new version that fails to start is rolled back, state intact', async () => {
      const bad = await writeExtension(join(h.dir, 'staging'), { id: 'counter', version: '3.0.0', code: counter('3', '; throw new Error("broken release")') })
      await assert.rejects(h.manager.reloadExtension('counter', { dir: bad }), (err: any) => {
        assert.equal(err.name, 'ExtensionReloadFailedError')
        assert.match(err.cause.message, /broken release/)
        return true
      })
      assert.equal(h.manager.getExtension('counter')?.version, '2.0.0')
      assert.equal(h.manager.getExtension('counter')?.state, 'running')
      assert.equal(await h.manager.call('counter', 'version'), '2')
      assert.equal(await h.manager.call('counter', 'bump'), 4)
      assert.ok(h.events.includes('rolled-back counter'))
    })

    it('a crashing extension is restarted with backoff, then marked failed; the node and others keep working', async () => {
      const delays: number[] = []
      h.manager.addEventListener('extension:restarting', (evt) => {
        const { id, delayMs } = (evt as CustomEvent).detail
        if (id === 'crasher') delays.push(delayMs)
      })
      assert.equal(await h.manager.call('crasher', 'bump'), 1)
      for (let i = 0; i < 3; i++) {
        await waitFor(() => h.manager.getExtension('crasher')?.state === 'running', 5000, 'crasher running')
        await assert.rejects(h.manager.call('crasher', 'spinLater'), { name: 'CpuQuotaExceededError' })
        assert.equal(typeof await h.manager.call('counter', 'bump'), 'number', 'another extension keeps working')
      }
      assert.deepEqual(delays, [40, 80, 160])
      await waitFor(() => h.manager.getExtension('crasher')?.state === 'running', 5000, 'third restart')
      await assert.rejects(h.manager.call('crasher', 'spinLater'), { name: 'CpuQuotaExceededError' })
      await waitFor(() => h.manager.getExtension('crasher')?.state === 'failed', 5000, 'crasher failed')
      await assert.rejects(h.manager.call('crasher', 'bump'), { name: 'ExtensionFailedError' })
      await h.manager.loadExtension('crasher')
      assert.equal(await h.manager.call('crasher', 'bump'), 1, 'an explicit load brings a failed extension back')
    })

    it('a killed host process takes its extensions down; they come back and the node stays up', async () => {
      const pid = h.manager.hostPid
      assert.ok(typeof pid === 'number')
      process.kill(pid, 'SIGKILL')
      await waitFor(() => h.manager.getExtension('counter')?.state === 'crashed', 5000, 'counter crashed')
      await waitFor(() => h.manager.getExtension('counter')?.state === 'running', 5000, 'counter restarted')
      assert.notEqual(h.manager.hostPid, pid)
      assert.equal(typeof await h.manager.call('counter', 'bump'), 'number')
    })

    it('loads dependencies first and refuses to unload one that is in use', async () => {
      const start = h.events.length
      await h.manager.loadExtension('top')
      const running = h.events.slice(start).filter(e => e === 'running base' || e === 'running top')
      assert.deepEqual(running, ['running base', 'running top'])
      await assert.rejects(h.manager.unloadExtension('base'), { name: 'ExtensionInUseError' })
      await h.manager.unloadExtension('top')
      await h.manager.unloadExtension('base')
    })

    it('names missing and incompatible dependencies', async () => {
      await assert.rejects(h.manager.loadExtension('orphan'), { name: 'DependencyMissingError' })
      await assert.rejects(h.manager.loadExtension('needs-new'), { name: 'DependencyVersionError' })
    })

    it('install needs a valid consensus proof bound to the package digest, then unpacks atomically and loads', async () => {
      const src = await writeExtension(join(h.dir, 'incoming'), { id: 'fresh', code: 'export function ok () { return "fresh" }' })
      await assert.rejects(h.manager.installExtension(src), { name: 'ConsensusProofRequiredError' })
      await assert.rejects(h.manager.installExtension(src, { consensusProof: 'forged' }), { name: 'InvalidProofError' })
      const info = await h.manager.installExtension(src, { consensusProof: 'valid-proof' })
      assert.equal(info.dir, join(h.extensionsDir, 'fresh@1.0.0'))
      assert.deepEqual(proofsSeen, [{ operation: 'install', packageDigest: info.digest }])
      assert.equal(await h.manager.call('fresh', 'ok'), 'fresh')
    })
  })

  it('grants by trust level for a package signed through the TrustChain', async () => {
    const pki = await makeTestPki()
    const h = await startHarness({
      requireSignatures: true,
      signatureVerifier: trustChainVerifier(pki.store),
      policy: { default: [], trustLevels: { verified: ['NetworkAccess'] } }
    }, async dir => {
      await writeExtension(dir, { id: 'signed', code: 'export function ok () { return hm.capabilities }', capabilities: ['NetworkAccess', 'ProxyAccess'] }, pki)
      await writeExtension(dir, { id: 'unsigned', code: '' })
    })
    try {
      assert.deepEqual(await h.manager.call('signed', 'ok'), ['NetworkAccess'])
      assert.deepEqual(h.manager.getExtension('signed')?.deniedCapabilities, ['ProxyAccess'])
      assert.equal(h.manager.getExtension('unsigned'), undefined)
      assert.ok(h.events.some(e => e.startsWith('rejected ')))
    } finally {
      await h.close()
    }
  })

  it('stops a revoked publisher\'s extensions (dependents first) and keeps them stopped until trusted again', async () => {
    const pki = await makeTestPki()
    const other = await makeTestPki()
    pki.store.addAnchor(other.root.certificate)
    const h = await startHarness({ requireSignatures: true, signatureVerifier: trustChainVerifier(pki.store) }, async dir => {
      await writeExtension(dir, { id: 'base', code: 'export function ok () { return "base" }' }, pki)
      await writeExtension(dir, { id: 'top', code: 'export function ok () { return "top" }', dependencies: [{ extension_id: 'base', version_requirement: '^1.0.0' }] }, other)
      await writeExtension(dir, { id: 'bystander', code: 'export function ok () { return "still here" }' }, other)
    })
    try {
      assert.equal(await h.manager.call('top', 'ok'), 'top')
      assert.equal(await h.manager.call('bystander', 'ok'), 'still here')
      assert.deepEqual(await h.manager.recheckTrust(), [], 'nothing is revoked yet')
      const list = await issueRevocationList({ issuer: pki.root, number: 1n, entries: [{ serialNumber: pki.publisher.certificate.serialNumber, revocationDate: new Date() }] })
      pki.store.revocations.accept(list, new Date())

      assert.deepEqual(await h.manager.recheckTrust(), ['base'])
      assert.equal(h.manager.getExtension('base')?.state, 'unloaded')
      assert.equal(h.manager.getExtension('base')?.untrusted?.name, 'CertificateRevokedError')
      assert.ok(h.events.includes('untrusted base'))
      assert.equal(h.manager.getExtension('top')?.state, 'unloaded', 'its dependent stopped too')
      assert.ok(h.events.indexOf('unloaded top') < h.events.indexOf('unloaded base'), 'the dependent stopped first')
      assert.equal(await h.manager.call('bystander', 'ok'), 'still here')
      // neither a call (lazy loading), nor a dependent's load, nor an explicit load revives it
      await assert.rejects(h.manager.call('base', 'ok'), { name: 'ExtensionUntrustedError' })
      await assert.rejects(h.manager.loadExtension('top'), { name: 'ExtensionUntrustedError' })
      await assert.rejects(h.manager.loadExtension('base'), { name: 'CertificateRevokedError' })
      assert.equal(h.manager.getExtension('base')?.state, 'unloaded')
    } finally {
      await h.close()
    }
  })
})
