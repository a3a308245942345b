import assert from 'node:assert/strict'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { discoverExtensions, inspectPackage, trustChainVerifier } from '../../src/extension-manager/index.ts'
import { CBOR_CODEC, cidOf, parseManifest } from '../../src/package/index.ts'
import { makeTestPki, writeExtension } from '../fixtures/extensions/packages.ts'
import type { TestPki } from '../fixtures/extensions/packages.ts'
import { SEED_MANIFEST } from '../fixtures/seed-manifest.ts'

const HELLO = fileURLToPath(new URL('../../extensions/hello', import.meta.url))
const CODE = 'export function ping () { return "pong" }'

describe('discovery', () => {
  let dir: string
  let pki: TestPki
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-discovery-'))
    pki = await makeTestPki()
  })
  after(async () => { await rm(dir, { recursive: true, force: true }) })
  const unsigned = { hostVersion: '0.1.0', requireSignatures: false }

  it('the seed manifest validates (with the content commitment the package format adds)', () => {
    const seed = structuredClone(SEED_MANIFEST)
    const manifest = parseManifest({ ...seed, content: { root: cidOf(CBOR_CODEC, new Uint8Array()).toString(), size: 0, chunk_size: 1024 * 1024 }, files: [] })
    assert.deepEqual(manifest.required_capabilities, seed.required_capabilities)
  })

  it('extensions/hello passes every check and names its entry', async () => {
    const pkg = await inspectPackage(HELLO, unsigned)
    assert.equal(pkg.manifest.id, 'hello')
    assert.match(pkg.code, /export function hello/)
    assert.match(pkg.digest, /^bagaa/)
  })

  it('a signed package verifies through the TrustChain and reports its publisher', async () => {
    const pkgDir = await writeExtension(join(dir, 'signed'), { id: 'signed', code: CODE, capabilities: ['NetworkAccess'] }, pki)
    const pkg = await inspectPackage(pkgDir, { hostVersion: '0.1.0', verifier: trustChainVerifier(pki.store) })
    assert.equal(pkg.publisher?.fingerprint, pki.publisher.certificate.fingerprint)
    assert.equal(pkg.publisher?.trustLevel, 'verified')
  })

  describe('each bad package gives one named error', () => {
    const cases: Array<[string, (d: string) => Promise<void>, string, object?]> = [
      ['no manifest', async d => { await rm(join(d, 'manifest.json')) }, 'ManifestMissingError'],
      ['manifest is not JSON', async d => { await writeFile(join(d, 'manifest.json'), '{') }, 'InvalidManifestError'],
      ['schema violation (bad version)', async d => { await patch(d, m => { m.version = 'one' }) }, 'InvalidManifestError'],
      ['unknown capability', async d => { await patch(d, m => { m.required_capabilities = ['RootAccess'] }) }, 'InvalidManifestError'],
      ['no entry', async d => { await patch(d, m => { delete m.entry }) }, 'EntryMissingError'],
      ['listed file missing', async d => { await rm(join(d, 'index.js')) }, 'PackageFilesMismatchError'],
      ['file changed, same size', async d => { await writeFile(join(d, 'index.js'), CODE.replace('pong', 'ping')) }, 'PackageFilesMismatchError'],
      ['host out of range', async d => { await patch(d, m => { m.hypermesh = '>=9.0.0' }) }, 'IncompatibleHostError'],
      ['unsigned where signatures are required', async () => {}, 'SignatureRequiredError', { requireSignatures: true }],
      ['signature over other bytes', async d => { await patch(d, m => { m.name = 'tampered' }) }, 'DigestMismatchError', { signed: true }],
      ['signed by an unknown publisher', async () => {}, 'UnknownRootError', { signed: true, foreign: true }]
    ]
    for (const [title, damage, name, opts = {}] of cases) {
      it(`${title} → ${name}`, async () => {
        const o = opts as { requireSignatures?: boolean, signed?: boolean, foreign?: boolean }
        const signer = o.foreign === true ? await makeTestPki() : pki
        const pkgDir = await writeExtension(join(dir, title.replace(/\W+/g, '-')), { id: 'victim', code: CODE }, o.signed === true ? signer : undefined)
        await damage(pkgDir)
        const options = o.signed === true
          ? { hostVersion: '0.1.0', verifier: trustChainVerifier(pki.store) }
          : { hostVersion: '0.1.0', requireSignatures: o.requireSignatures ?? false }
        await assert.rejects(inspectPackage(pkgDir, options), { name })
      })
    }
  })

  it('scans directories, keeps the newest version of each id and reports the rejected', async () => {
    const root = join(dir, 'scan')
    await writeExtension(root, { id: 'multi', version: '1.0.0', code: CODE })
    await writeExtension(root, { id: 'multi', version: '1.10.0', code: CODE })
    await writeExtension(root, { id: 'multi', version: '1.9.0', code: CODE })
    const broken = await writeExtension(root, { id: 'broken', code: CODE })
    await writeFile(join(broken, 'manifest.json'), '[]')
    await cp(HELLO, join(root, 'hello'), { recursive: true })
    const result = await discoverExtensions([root, join(dir, 'does-not-exist')], unsigned)
    assert.deepEqual([...result.found.keys()].sort(), ['hello', 'multi'])
    assert.equal(result.found.get('multi')?.manifest.version, '1.10.0')
    assert.deepEqual(result.rejected.map(r => r.error.name), ['InvalidManifestError'])
  })
})

async function patch (dir: string, edit: (m: any) => void): Promise<void> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))
  edit(manifest)
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest))
}
