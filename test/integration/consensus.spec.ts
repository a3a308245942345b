import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { initDataDir } from '../../src/node/index.ts'
import { LOOPBACK_CONFIG, cliJson as cli, removeDir, runCli, spawnDaemon, tcpAddr, tempDir, waitFor } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/** A package digest for the proof to bind (any manifest CID will do). */
const DIGEST = 'bagaaihraqf3iey5tsj2cb5c5alp5jm4a6jt2prnfcyh6tevsrbzqjnwwcfhq'

/**
 * Four validator daemons and one node, each its own process: the node collects the epoch beacon
 * and a stake certificate over /hypermesh/consensus/1.0.0, makes an install proof, and a
 * validator's daemon verifies it (and refuses it replayed or bound to another package).
 */
describe('integration: consensus proofs across four validators', () => {
  let work: string
  const validators: DaemonProcess[] = []
  let node: DaemonProcess

  before(async () => {
    work = await tempDir('hm-consensus-it-')
    const names = ['v1', 'v2', 'v3', 'v4', 'n1']
    const inits = await Promise.all(names.map(async n => initDataDir(join(work, n), { config: LOOPBACK_CONFIG })))
    const mesh = join(work, 'mesh')
    await cli(inits[0].dir, 'trust', 'init-mesh', '--out', mesh, '--profile', 'test',
      ...inits.slice(0, 4).flatMap(v => ['--validator', v.peerId]),
      '--stake', `${inits[4].peerId}=1000`)
    await Promise.all(inits.map(async i => cli(i.dir, 'trust', 'install-root', join(mesh, 'mesh-root.json'))))
    const plot = await cli(inits[4].dir, 'plot', 'create')
    assert.ok(plot != null)
    validators.push(await spawnDaemon({ dataDir: inits[0].dir }))
    validators.push(...await Promise.all(inits.slice(1, 4).map(async i => spawnDaemon({ dataDir: i.dir, bootstrap: [tcpAddr(validators[0])] }))))
    node = await spawnDaemon({ dataDir: inits[4].dir, bootstrap: validators.map(tcpAddr) })
    await waitFor(async () => (await node.request('GET', '/api/v1/peers')).body.peers.length >= 4, 'the node to reach all validators')
  })

  after(async () => {
    await Promise.all([...validators, node].map(async d => d?.stop()))
    await removeDir(work)
  })

  it('validators serve as validators, the node does not', async () => {
    for (const v of validators) assert.equal((await v.request('GET', '/api/v1/consensus/status')).body.validator, true)
    assert.equal((await node.request('GET', '/api/v1/consensus/status')).body.validator, false)
  })

  it('the node makes an install proof over the network and a validator verifies it; replay and other package are refused', async () => {
    const out = join(work, 'proof.bin')
    const proof = await cli(node.dataDir, 'proof', 'make', '--op', 'install', '--digest', DIGEST, '--out', out)
    assert.equal(proof.op, 'install')
    assert.equal(proof.node, node.peerId)

    const verifier = validators[1]
    const ok = await verifier.request('POST', '/api/v1/consensus/verify', { bundle: proof.bundle, op: 'install', digest: DIGEST, node: node.peerId })
    assert.equal(ok.status, 200, JSON.stringify(ok.body))

    const replay = await verifier.request('POST', '/api/v1/consensus/verify', { bundle: proof.bundle, op: 'install', digest: DIGEST, node: node.peerId })
    assert.notEqual(replay.status, 200)
    assert.match(replay.body.code, /REPLAY/)

    const other = await validators[2].request('POST', '/api/v1/consensus/verify', { bundle: proof.bundle, op: 'install', digest: DIGEST.replace(/.$/, 'a'), node: node.peerId })
    assert.notEqual(other.status, 200)
    assert.equal(typeof other.body.code, 'string')

    // the same file checks out offline too, against the mesh root alone
    const offline = await runCli(['--data-dir', validators[3].dataDir, '--json', 'proof', 'verify', out, '--op', 'install', '--digest', DIGEST, '--node', node.peerId])
    assert.equal(offline.code, 0, offline.stderr)
  })
})
