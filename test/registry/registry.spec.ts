import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dhtPut } from '../../src/node/index.ts'
import { discoveryKey, infoRequest, publishRequest, recordKey, signRecord } from '../../src/registry/index.ts'
import { PublishedRecords } from '../../src/registry/published.ts'
import { generateSigningKey, issuePublisher, issueRevocationList, privateKeyToPem } from '../../src/trust/index.ts'
import { body, credsOf, makeForeignPublisher, makePki, removeDirs, SCOPE, tamperVersions } from './fixtures.ts'
import type { Pki } from './fixtures.ts'
import { connectAll, startNode } from './mesh.ts'
import type { RegistryNode } from './mesh.ts'

/** A package tree: nested files, an empty file, and one bigger than a chunk so STOQ fetches several chunks. */
async function writePackage (dir: string, version: string): Promise<void> {
  await mkdir(join(dir, 'lib'), { recursive: true })
  await writeFile(join(dir, 'hypermesh.json'), JSON.stringify({
    id: 'acme.tool', name: 'Acme Tool', version, category: 'Tools', provided_assets: ['Library'], required_capabilities: ['NetworkAccess']
  }))
  await writeFile(join(dir, 'lib', 'index.js'), `export const version = '${version}'\n`)
  await writeFile(join(dir, 'empty.txt'), '')
  await writeFile(join(dir, 'data.bin'), Buffer.alloc(40_000, version))
}

async function tree (dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name
    if (e.isDirectory()) Object.assign(out, await tree(join(dir, e.name), rel + '/'))
    else out[rel] = (await readFile(join(dir, e.name))).toString('base64')
  }
  return out
}

describe('registry over a 4-node TCP mesh on 127.0.0.1', () => {
  let pki: Pki
  let nodes: RegistryNode[]
  let work: string
  let first: Uint8Array

  before(async () => {
    pki = await makePki()
    work = await mkdtemp(join(tmpdir(), 'hm-registry-work-'))
    nodes = await Promise.all([0, 1, 2, 3].map(async () => startNode({ trustStore: pki.store })))
    await connectAll(nodes)
  })

  after(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    await removeDirs([work, ...nodes.map(n => n.dir)])
  })

  it('publishes on A; D finds it by type, category and text, and fetches a byte-identical tree', async () => {
    const [a, , , d] = nodes
    const src = join(work, 'v1')
    await writePackage(src, '1.0.0')
    const events: string[] = []
    const published = await a.registry.publish(src, { ...credsOf(pki), chunkSize: 16 * 1024, onProgress: e => events.push(e.type) })
    assert.equal(published.sequence, 1)
    assert.ok(published.acceptedBy.length >= 1, 'stored by a peer')
    assert.ok(events.includes('registry:publish:signed') && events.includes('registry:publish:stored'))
    first = (await new PublishedRecords(a.datastore).get('acme.tool')) as Uint8Array

    for (const filter of [{ type: 'Library' }, { category: 'tools' }, { text: 'acme tool' }, {}]) {
      const found = await d.registry.search(filter)
      assert.deepEqual(found.map(f => [f.name, f.version, f.verified]), [['acme.tool', '1.0.0', true]], JSON.stringify(filter))
      assert.deepEqual(found[0].peers, [a.libp2p.peerId.toString()])
      assert.equal(found[0].publisher?.fingerprint, pki.publisher.certificate.fingerprint)
    }
    assert.deepEqual(await d.registry.search({ type: 'Container' }), [])
    assert.deepEqual(await d.registry.search({ category: 'Games' }), [])

    const out = join(work, 'fetched-v1')
    const fetched = await d.registry.fetch('acme.tool@^1.0.0', out)
    assert.equal(fetched.version, '1.0.0')
    assert.deepEqual(await tree(out), await tree(src))
    // the publisher holds the content itself and unpacks it without asking anyone
    const own = join(work, 'own-v1')
    await a.registry.fetch('acme.tool', own)
    assert.deepEqual(await tree(own), await tree(src))
  })

  it('a new version raises the sequence and every node resolves it', async () => {
    const [a, b, c, d] = nodes
    const src = join(work, 'v2')
    await writePackage(src, '1.1.0')
    // through the control API's request handler, as the daemon will call it: key and chain from files
    const certPath = join(work, 'publisher.pem')
    const keyPath = join(work, 'publisher.key')
    await writeFile(certPath, pki.publisher.certificate.pem + pki.intermediate.certificate.pem)
    await writeFile(keyPath, privateKeyToPem(pki.publisher.privateKey), { mode: 0o600 })
    await assert.rejects(publishRequest(a.registry, { dir: src }), { name: 'InvalidRegistryRequestError' })
    // A provided the discovery keys (all, type Library, category tools) with 1.0.0 a moment ago:
    // the second publish provides only the content keys
    const routing = a.libp2p.contentRouting
    const provide = routing.provide
    const provided: string[] = []
    routing.provide = async (cid, options) => { provided.push(cid.toString()); await provide.call(routing, cid, options) }
    let published
    try {
      published = await publishRequest(a.registry, { dir: src, cert: certPath, key: keyPath })
    } finally {
      routing.provide = provide
    }
    assert.equal(published.sequence, 2)
    assert.equal(provided.length, 4, 'manifest and root of both versions')
    for (const key of [discoveryKey('all'), discoveryKey('type', 'Library'), discoveryKey('category', 'tools')]) {
      assert.ok(!provided.includes(key.toString()), 'discovery key not provided again')
    }
    for (const n of [b, c, d]) {
      const { record, version } = await n.registry.resolve('acme.tool')
      assert.equal(record.body.sequence, 2)
      assert.equal(version.version, '1.1.0')
    }
    assert.equal((await d.registry.resolve('acme.tool', '~1.0')).version.version, '1.0.0')
    const info = await infoRequest(c.registry, { name: 'acme.tool' })
    assert.deepEqual(info.versions, ['1.0.0', '1.1.0'])
    await assert.rejects(d.registry.resolve('acme.tool', '^2'), { name: 'NoMatchingVersionError' })
    await assert.rejects(d.registry.resolve('acme.missing'), { name: 'PackageNotFoundError' })
  })

  it('every node refuses an older sequence, an untrusted signer, an expired record, a revoked publisher and a tampered version list; none rolls back', async () => {
    const [, b, , d] = nodes
    const dht = b.libp2p.services.dht
    const mallory = await makeForeignPublisher()
    const untrusted = signRecord({ body: body({ sequence: 99 }), ...credsOf(mallory) })
    const expired = signRecord({ body: body({ sequence: 100, now: new Date(Date.now() - 7_200_000), lifetimeMs: 3_600_000 }), ...credsOf(pki) })
    // a second publisher of the same intermediate, revoked in every node's trust store
    const key = generateSigningKey()
    const revokedPublisher = { certificate: await issuePublisher({ subject: 'Acme Former Employee', publicKey: key.publicKey, issuer: pki.intermediate, scope: SCOPE }), privateKey: key.privateKey }
    const crl = await issueRevocationList({ issuer: pki.intermediate, number: 1n, entries: [{ serialNumber: revokedPublisher.certificate.serialNumber, revocationDate: new Date(Date.now() - 60_000) }] })
    pki.store.revocations.accept(crl, new Date())
    const revoked = signRecord({ body: body({ sequence: 101 }), key: revokedPublisher.privateKey, chain: [revokedPublisher.certificate, pki.intermediate.certificate] })
    const tampered = tamperVersions(signRecord({ body: body({ sequence: 102 }), ...credsOf(pki) }))
    for (const [what, value] of [['older sequence', first], ['untrusted', untrusted], ['expired', expired], ['revoked', revoked], ['tampered', tampered]] as const) {
      const rejected = await dhtPut(dht, recordKey('acme.tool'), value).then(() => undefined, (err: Error) => err)
      assert.equal(rejected?.name, 'DhtPutRejectedError', what)
      assert.match((rejected as any).hint ?? '', /first refusal/, what)
    }
    for (const n of nodes) {
      assert.equal((await n.registry.resolve('acme.tool')).record.body.sequence, 2)
    }
    assert.equal((await d.registry.search({ type: 'Library' }))[0].sequence, 2)

  })

  it('search hides a catalog record that does not verify, or marks it when asked', async () => {
    const [, , c, d] = nodes
    const expired = signRecord({ body: body({ name: 'acme.old', sequence: 1, now: new Date(Date.now() - 7_200_000), lifetimeMs: 3_600_000 }), ...credsOf(pki) })
    await new PublishedRecords(c.datastore).put('acme.old', expired)
    await c.libp2p.contentRouting.provide(discoveryKey('all'))
    assert.deepEqual((await d.registry.search()).map(r => r.name), ['acme.tool'])
    const all = await d.registry.search({ verifiedOnly: false })
    const old = all.find(r => r.name === 'acme.old')
    assert.equal(old?.verified, false)
    assert.equal(old?.error?.name, 'ExpiredMetadataError')
  })
})
