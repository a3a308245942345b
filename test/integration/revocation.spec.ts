import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { initDataDir } from '../../src/node/index.ts'
import { parseCertificate } from '../../src/trust/index.ts'
import { LOOPBACK_CONFIG, cliJson, removeDir, runCli, spawnDaemon, tcpAddr, tempDir, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

const HELLO = fileURLToPath(new URL('../../extensions/hello', import.meta.url))

async function cli (d: DaemonProcess | string, ...args: string[]): Promise<any> {
  return cliJson(typeof d === 'string' ? d : d.dataDir, ...args)
}

/** `info NAME` on a node: its exit code and JSON error code, if any. */
async function info (d: DaemonProcess, name: string): Promise<{ code: number | null, error?: string }> {
  const r = await runCli(['--data-dir', d.dataDir, '--json', 'info', name])
  return { code: r.code, error: r.code === 0 ? undefined : r.stderr }
}

/**
 * Revocation lists spread through the mesh (DESIGN.md): a list published on A is checked,
 * applied and kept by B at once (the DHT put) and by C, which was offline, once it meets the
 * issuer; from then on neither shows the revoked publisher's package. Forged and older lists
 * are refused with their named errors.
 */
describe('integration: revocation lists spread through the mesh', () => {
  let work: string
  let mesh: string
  let dirs: string[]
  const nodes: DaemonProcess[] = []

  before(async () => {
    work = await tempDir('hm-revocation-it-')
    mesh = join(work, 'mesh')
    dirs = ['a', 'b', 'c'].map(n => join(work, n))
    await Promise.all(dirs.map(async dir => initDataDir(dir, { config: LOOPBACK_CONFIG })))
    await cli(dirs[0], 'trust', 'init-mesh', '--out', mesh)
    await cli(dirs[0], 'trust', 'issue', '--publisher', '--issuer-cert', join(mesh, 'intermediate.pem'), '--issuer-key', join(mesh, 'intermediate.key'), '--subject', 'Doomed Publisher', '--name-prefix', 'doomed-', '--capability', 'AssetManagement', '--out', join(work, 'doomed'))
    await Promise.all(dirs.map(async dir => cli(dir, 'trust', 'install-root', join(mesh, 'mesh-root.json'))))
    nodes.push(await spawnDaemon({ dataDir: dirs[0] }))
    nodes.push(await spawnDaemon({ dataDir: dirs[1], bootstrap: [tcpAddr(nodes[0])] }))
    await waitFor(async () => (await nodes[0].request('GET', '/api/v1/peers')).body.peers.length >= 1, 'B to join A')
  })

  after(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    await removeDir(work)
  })

  it('a list published on A is applied by B at once and by C (offline then) after it meets the issuer', async () => {
    const [a, b] = nodes
    const pkg = join(work, 'doomed-tool')
    await mkdir(pkg, { recursive: true })
    await writeFile(join(pkg, 'hypermesh.json'), JSON.stringify({
      id: 'doomed-tool', name: 'Doomed Tool', version: '1.0.0', category: 'AssetLibrary', provided_assets: ['Library'], required_capabilities: [], dependencies: []
    }))
    await writeFile(join(pkg, 'README.md'), '# doomed\n')
    await cli(a, 'publish', pkg, '--cert', join(work, 'doomed.pem'), '--key', join(work, 'doomed.key'))
    assert.equal((await info(b, 'doomed-tool')).code, 0, 'B resolves the package before the revocation')
    // B also runs an extension of that publisher: the hello template, signed by it
    const ext = join(work, 'doomed-hello')
    await mkdir(ext, { recursive: true })
    await writeFile(join(ext, 'index.js'), await readFile(join(HELLO, 'index.js')))
    await writeFile(join(ext, 'manifest.json'), JSON.stringify({ ...JSON.parse(await readFile(join(HELLO, 'manifest.json'), 'utf8')), id: 'doomed-hello' }))
    await cli(dirs[0], 'sign', join(ext, 'manifest.json'), '--cert', join(work, 'doomed.pem'), '--key', join(work, 'doomed.key'), '--out', join(ext, 'manifest.sig'))
    await cli(b, 'ext', 'install', ext)
    assert.equal(await cli(b, 'ext', 'call', 'doomed-hello', 'hello', '"mesh"').then(r => typeof r), 'string', 'the extension answers before the revocation')
    assert.deepEqual((await cli(b, 'trust', 'revocations')).revocations, [])

    const crl = join(work, 'intermediate.crl')
    await cli(dirs[0], 'trust', 'revoke', join(work, 'doomed.pem'), '--issuer-cert', join(mesh, 'intermediate.pem'), '--issuer-key', join(mesh, 'intermediate.key'), '--out', crl)
    const published = await cli(a, 'trust', 'publish-crl', crl, '--issuer-cert', join(mesh, 'intermediate.pem'))
    assert.equal(published.number, '1')
    assert.ok(published.acceptedBy.includes(b.peerId), 'B stored the list')

    // B was never handed the file: it has the list from the DHT put, and refuses the publisher now
    const held = (await cli(b, 'trust', 'revocations')).revocations
    assert.equal(held.length, 1)
    assert.equal(held[0].issuer, published.issuer)
    assert.equal(held[0].subject, parseCertificate(await readFile(join(mesh, 'intermediate.pem'), 'utf8')).subject)
    assert.equal(held[0].revoked.length, 1)
    const refused = await info(b, 'doomed-tool')
    assert.notEqual(refused.code, 0, 'B refuses the revoked publisher\'s record')
    assert.match(refused.error ?? '', /PACKAGE_NOT_FOUND|revoked/i)
    // and the daemon stopped the publisher's running extension when it applied the list
    const [stopped] = (await cli(b, 'ext', 'list') as any[]).filter(e => e.id === 'doomed-hello')
    assert.equal(stopped.untrusted?.name, 'CertificateRevokedError', JSON.stringify(stopped))
    assert.notEqual(stopped.state, 'active')
    const call = await runCli(['--data-dir', b.dataDir, '--json', 'ext', 'call', 'doomed-hello', 'hello', '"mesh"'])
    assert.notEqual(call.code, 0, 'a call to the revoked publisher\'s extension is refused')
    assert.match(call.stderr, /UNTRUSTED|REVOKED/i)

    // C was offline during the put: checking the chain tells it of the issuer, and it pulls the list
    const c = await spawnDaemon({ dataDir: dirs[2], bootstrap: [tcpAddr(a)] })
    nodes.push(c)
    await waitFor(async () => (await info(c, 'doomed-tool')).code !== 0, 'C to refuse the revoked publisher', 30_000, 1_000)
    assert.equal((await cli(c, 'trust', 'revocations')).revocations[0]?.issuer, published.issuer)

    // what a node applied is on disk: B restarted still refuses, with no peer to ask
    await b.stop()
    const b2 = await spawnDaemon({ dataDir: dirs[1] })
    nodes[1] = b2
    assert.equal((await cli(b2, 'trust', 'revocations')).revocations[0]?.number, '1')
  })

  it('refuses a list from a CA outside the mesh (UnknownRootError) and an older list than one held (RollbackError)', async () => {
    const [a] = nodes
    const foreign = join(work, 'foreign')
    await cli(dirs[0], 'trust', 'init-mesh', '--out', foreign)
    const foreignCrl = join(work, 'foreign.crl')
    await cli(dirs[0], 'trust', 'revoke', 'ab12', '--issuer-cert', join(foreign, 'intermediate.pem'), '--issuer-key', join(foreign, 'intermediate.key'), '--out', foreignCrl)
    const r1 = await runCli(['--data-dir', a.dataDir, '--json', 'trust', 'publish-crl', foreignCrl, '--issuer-cert', join(foreign, 'intermediate.pem')])
    assert.notEqual(r1.code, 0)
    assert.match(r1.stderr, /UNKNOWN_ROOT/)

    // list #1 is held everywhere; #2 revokes one more serial; then #1 again is a rollback
    const crl = join(work, 'intermediate.crl')
    const older = join(work, 'intermediate-1.crl')
    await writeFile(older, await readFile(crl))
    await cli(dirs[0], 'trust', 'revoke', 'cd34', '--issuer-cert', join(mesh, 'intermediate.pem'), '--issuer-key', join(mesh, 'intermediate.key'), '--out', crl)
    const second = await cli(a, 'trust', 'publish-crl', crl, '--issuer-cert', join(mesh, 'intermediate.pem'))
    assert.equal(second.number, '2')
    const r2 = await runCli(['--data-dir', a.dataDir, '--json', 'trust', 'publish-crl', older, '--issuer-cert', join(mesh, 'intermediate.pem')])
    assert.notEqual(r2.code, 0)
    assert.match(r2.stderr, /ROLLBACK/)
  })
})
