import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tree } from '../helpers/tree.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode, dhtPut, initDataDir, resolveConfig } from '../../src/node/index.ts'
import type { HyperMeshNode } from '../../src/node/index.ts'
import { decodeRecord, recordKey, signRecord } from '../../src/registry/index.ts'
import {
  parseCertificate, parseCertificateBundle, parseRevocationList, readPrivateKeyFile, saveRevocationList
} from '../../src/trust/index.ts'
import { body, makeForeignPublisher, credsOf, tamperVersions } from '../registry/fixtures.ts'
import { LOOPBACK_CONFIG, cliJson, removeDir, runCli, spawnDaemon, tcpAddr, tempDir, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/** A's records live 8 s and are re-signed when half is left, so expiry and republishing show in a test. */
const RECORD_LIFETIME_MS = 8_000
const REPUBLISH_CHECK_MS = 1_000

async function cli (d: DaemonProcess | string, ...args: string[]): Promise<any> {
  return cliJson(typeof d === 'string' ? d : d.dataDir, ...args)
}

/** The raw record a node holds in its own datastore, or undefined. */
async function localRecord (d: DaemonProcess, name: string): Promise<ReturnType<typeof decodeRecord> | undefined> {
  const res = await d.request('GET', `/api/v1/dht/get?key=${encodeURIComponent('/hmpkg/' + name)}&local=true`)
  if (res.status === 404) return undefined
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return decodeRecord(Buffer.from(res.body.valueBase64, 'base64'))
}

/**
 * Five daemons as separate processes with a shared mesh trust root: publish on A, search and
 * fetch on E; forged, tampered, expired, revoked and rolled-back records are refused by every
 * node; A's records outlive their first expiry because A republishes after a restart.
 */
describe('integration: the registry across a five-daemon mesh', () => {
  let work: string
  let mesh: string
  const nodes: DaemonProcess[] = []
  let attacker: HyperMeshNode
  let firstRecord: Uint8Array

  before(async () => {
    work = await tempDir('hm-registry-it-')
    mesh = join(work, 'mesh')
    const dirs = ['a', 'b', 'c', 'd', 'e'].map(n => join(work, n))
    await Promise.all(dirs.map(async (dir, i) => initDataDir(dir, {
      config: i === 0 ? { ...LOOPBACK_CONFIG, registry: { recordLifetimeMs: RECORD_LIFETIME_MS, republishCheckMs: REPUBLISH_CHECK_MS } } : LOOPBACK_CONFIG
    })))
    // the mesh's trust material, made with the offline CLI as an operator would
    await cli(dirs[0], 'trust', 'init-mesh', '--out', mesh)
    await cli(dirs[0], 'trust', 'issue', '--publisher', '--issuer-cert', join(mesh, 'intermediate.pem'), '--issuer-key', join(mesh, 'intermediate.key'), '--subject', 'Revoked Publisher', '--name-prefix', 'evil-', '--out', join(work, 'revoked'))
    await cli(dirs[0], 'trust', 'revoke', join(work, 'revoked.pem'), '--issuer-cert', join(mesh, 'intermediate.pem'), '--issuer-key', join(mesh, 'intermediate.key'), '--out', join(work, 'intermediate.crl'))
    const intermediate = parseCertificate(await readFile(join(mesh, 'intermediate.pem'), 'utf8'))
    const crl = parseRevocationList(await readFile(join(work, 'intermediate.crl'), 'utf8'), intermediate)
    await Promise.all(dirs.map(async dir => {
      await cli(dir, 'trust', 'install-root', join(mesh, 'mesh-root.json'))
      await saveRevocationList(dir, crl, intermediate)
    }))
    nodes.push(await spawnDaemon({ dataDir: dirs[0] }))
    nodes.push(...await Promise.all(dirs.slice(1).map(async dir => spawnDaemon({ dataDir: dir, bootstrap: [tcpAddr(nodes[0])] }))))
    await waitFor(async () => (await nodes[0].request('GET', '/api/v1/peers')).body.peers.length >= 4, 'all nodes to join A')

    // an attacker node in this process: it validates nothing and puts whatever it is given
    const attackerDir = join(work, 'attacker')
    await initDataDir(attackerDir)
    attacker = await createNode(resolveConfig({ flags: { dataDir: attackerDir, listen: ['/ip4/127.0.0.1/tcp/0'] } }), {
      validators: { hmpkg: async () => {} },
      selectors: { hmpkg: () => 0 }
    })
    await attacker.start()
    for (const n of nodes) await attacker.libp2p.dial(multiaddr(tcpAddr(n)))
  })

  after(async () => {
    await attacker?.stop()
    await Promise.all(nodes.map(async n => n.stop()))
    await removeDir(work)
  })

  it('publishes on A; E finds it with the right filters and fetches a byte-identical tree', async () => {
    const [a, , , , e] = nodes
    const pkg = join(work, 'hello')
    await mkdir(join(pkg, 'lib'), { recursive: true })
    await writeFile(join(pkg, 'hypermesh.json'), JSON.stringify({
      id: 'hello', name: 'Hello', version: '1.0.0', category: 'AssetLibrary', provided_assets: ['Library'], required_capabilities: [], dependencies: []
    }))
    await writeFile(join(pkg, 'lib', 'data.bin'), randomBytes(2 * 1024 * 1024 + 3))
    await writeFile(join(pkg, 'README.md'), '# hello\n')

    const published = await cli(a, 'publish', pkg, '--cert', join(mesh, 'publisher.pem'), '--key', join(mesh, 'publisher.key'))
    assert.equal(published.name, 'hello')
    assert.equal(published.version, '1.0.0')
    firstRecord = Buffer.from((await a.request('GET', `/api/v1/dht/get?key=${encodeURIComponent('/hmpkg/hello')}&local=true`)).body.valueBase64, 'base64')

    // provider records spread through the DHT: a search may need a moment to see a new package
    const finds = async (...args: string[]): Promise<boolean> => waitFor(async () => {
      const r = await cli(e, 'search', ...args)
      return r.results.some((x: any) => x.name === 'hello' && x.verified !== false)
    }, `search ${args.join(' ')} to find hello`, 30_000, 1_000)
    assert.ok(await finds('--type', 'Library'))
    assert.ok(await finds('--category', 'AssetLibrary'))
    assert.ok(await finds('hello'))
    const otherType = await cli(e, 'search', '--type', 'VirtualMachine')
    assert.ok(!otherType.results.some((r: any) => r.name === 'hello'), 'a type filter excludes it')

    const out = join(work, 'fetched')
    await cli(e, 'fetch', 'hello@^1.0.0', '-o', out)
    assert.deepEqual(await tree(out), await tree(pkg))
  })

  it('every node refuses untrusted, tampered, expired and revoked records, and none shows them', async () => {
    const chain = parseCertificateBundle(await readFile(join(mesh, 'publisher.pem'), 'utf8'))
    const key = await readPrivateKeyFile(join(mesh, 'publisher.key'))
    const revokedChain = parseCertificateBundle(await readFile(join(work, 'revoked.pem'), 'utf8'))
    const revokedKey = await readPrivateKeyFile(join(work, 'revoked.key'))
    const forged: Array<[string, string, Uint8Array]> = [
      ['untrusted', 'evil-untrusted', signRecord({ body: body({ name: 'evil-untrusted' }), ...credsOf(await makeForeignPublisher()) })],
      ['expired', 'evil-expired', signRecord({ body: body({ name: 'evil-expired', now: new Date(Date.now() - 7_200_000) }), key, chain })],
      ['revoked', 'evil-revoked', signRecord({ body: body({ name: 'evil-revoked' }), key: revokedKey, chain: revokedChain })],
      ['tampered', 'hello', tamperVersions(firstRecord)]
    ]
    for (const [what, name, bytes] of forged) {
      await assert.rejects(dhtPut(attacker.libp2p.services.dht, recordKey(name), bytes), (err: any) => {
        assert.equal(err.name, 'DhtPutRejectedError', `${what}: ${err.message}`)
        return true
      }, what)
      for (const n of nodes) {
        const held = await localRecord(n, name)
        if (what === 'tampered') assert.ok(held == null || held.body.versions.every(v => v.manifest !== decodeRecord(bytes).body.versions[0].manifest), `${what} stored`)
        else assert.equal(held, undefined, `${what} record stored by a node`)
      }
    }
    const all = await cli(nodes[4], 'search')
    assert.ok(!all.results.some((r: any) => r.name.startsWith('evil-')), 'forged records are never shown')
  })

  it('an older sequence put after a newer one rolls back no node', async () => {
    const [a, , , , e] = nodes
    const pkg = join(work, 'hello')
    const meta = JSON.parse(await readFile(join(pkg, 'hypermesh.json'), 'utf8'))
    await writeFile(join(pkg, 'hypermesh.json'), JSON.stringify({ ...meta, version: '1.1.0' }))
    await cli(a, 'publish', pkg, '--cert', join(mesh, 'publisher.pem'), '--key', join(mesh, 'publisher.key'))
    const firstSequence = decodeRecord(firstRecord).body.sequence
    await waitFor(async () => {
      for (const n of nodes) if (((await localRecord(n, 'hello'))?.body.sequence ?? 0) <= firstSequence) return false
      return true
    }, 'every node to hold the newer record')

    await assert.rejects(dhtPut(attacker.libp2p.services.dht, recordKey('hello'), firstRecord), { name: 'DhtPutRejectedError' })
    for (const n of nodes) {
      const held = await localRecord(n, 'hello')
      assert.ok(held != null && held.body.sequence > firstSequence, 'no node went back to the older sequence')
      assert.ok(held.body.versions.some(v => v.version === '1.1.0'))
    }
    const info = await cli(e, 'info', 'hello')
    assert.ok(info.record.versions.some((v: any) => v.version === '1.1.0'))
  })

  it('A restarts and its records resolve again after their original expiry (republished)', async () => {
    const e = nodes[4]
    const before = await cli(e, 'info', 'hello')
    const expiry = new Date(before.record.expires).getTime()
    const code = await nodes[0].stop()
    assert.equal(code, 0)
    // while A is down nobody re-signs: the record in the mesh expires and stops resolving
    await waitFor(async () => Date.now() > expiry + 500, 'the original expiry to pass', RECORD_LIFETIME_MS + 5_000)
    const whileDown = await runCli(['--data-dir', e.dataDir, '--json', 'info', 'hello'])
    assert.notEqual(whileDown.code, 0, 'an expired record is refused')
    nodes[0] = await spawnDaemon({ dataDir: nodes[0].dataDir, bootstrap: [tcpAddr(nodes[1])] })
    const after = await waitFor(async () => {
      const r = await runCli(['--data-dir', e.dataDir, '--json', 'info', 'hello'])
      return r.code === 0 ? JSON.parse(r.stdout) : undefined
    }, 'A to republish after its restart', 30_000, 500)
    assert.ok(new Date(after.record.expires).getTime() > expiry, 'a fresh expiry')
    assert.ok(after.record.versions.some((v: any) => v.version === '1.1.0'))
  })
})
