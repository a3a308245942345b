import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { credsOf, makePki, removeDirs } from './fixtures.ts'
import { connectAll, startNode } from './mesh.ts'
import type { RegistryNode } from './mesh.ts'

/** Short enough for a test, long enough that a put and a lookup fit in it. */
const LIFETIME_MS = 3_000
const CHECK_MS = 200

async function until<T> (what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (err: any) {
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${err.name} ${err.message}`)
      await new Promise(resolve => setTimeout(resolve, CHECK_MS))
    }
  }
}

describe('registry republishing', () => {
  const cleanup: RegistryNode[] = []
  const dirs: string[] = []
  after(async () => {
    await Promise.all(cleanup.map(async n => n.stop()))
    await removeDirs(dirs)
  })

  it('a restarted publisher re-signs its record, resolvable after the original expiry', async () => {
    const pki = await makePki()
    const opts = { trustStore: pki.store, recordLifetimeMs: LIFETIME_MS, republishCheckMs: CHECK_MS }
    let a = await startNode(opts)
    const b = await startNode(opts)
    cleanup.push(b)
    dirs.push(a.dir, b.dir)
    await connectAll([a, b])
    const src = await mkdtemp(join(tmpdir(), 'hm-registry-src-'))
    dirs.push(src)
    await writeFile(join(src, 'hypermesh.json'), JSON.stringify({ id: 'acme.lib', name: 'Acme Lib', version: '2.0.0', category: 'Tools', provided_assets: ['Library'] }))
    await writeFile(join(src, 'lib.js'), 'export default 42\n')
    const published = await a.registry.publish(src, credsOf(pki))
    const originalExpiry = new Date(published.expires).getTime()
    await a.stop()

    await new Promise(resolve => setTimeout(resolve, originalExpiry - Date.now() + 100))
    await assert.rejects(b.registry.resolve('acme.lib'), { name: 'PackageNotFoundError' }, 'the record expired while A was down')

    a = await startNode({ ...opts, dir: a.dir, key: a.key })
    cleanup.push(a)
    await connectAll([a, b])
    const { record } = await until('resolve on B', async () => b.registry.resolve('acme.lib'), 3 * LIFETIME_MS)
    assert.ok(record.body.sequence > published.sequence)
    assert.ok(new Date(record.body.expires).getTime() > originalExpiry)
    assert.equal(record.body.versions[0].manifest, published.manifest)
  })
})
