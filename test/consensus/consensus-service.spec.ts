import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { lpStream } from '@libp2p/utils'
import { makeMesh, plotFor, THRESHOLD, DIGEST } from './fixture.ts'
import { consensusService, consensusInitFromTrustRoot, proofForRequest, verifyForRequest, CONSENSUS_PROTOCOL, defaultPlotPath, savePlot, epochAt, TEST_PARAMS, verifyBeacon, prepareTrustRoot, ConsensusVerifier } from '../../src/consensus/index.ts'
import { decodeResponse, encodeMessage } from '../../src/consensus/protocol.ts'
import type { ConsensusService } from '../../src/consensus/index.ts'
import type { Mesh } from './fixture.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

type Node = Libp2p<{ consensus: ConsensusService }>

describe('consensus service over TCP on 127.0.0.1', () => {
  let mesh: Mesh
  let validators: Node[]
  let node: Node
  let other: Node
  let now: number
  let dir: string

  let plotPath: string

  async function start (key: PrivateKey, extra: { plotPath?: string } = {}): Promise<Node> {
    return createLibp2p({
      privateKey: key,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        consensus: consensusService(consensusInitFromTrustRoot(mesh.root, key, { now: () => now, ...extra }))
      }
    })
  }

  async function connect (from: Node, to: Node[]): Promise<void> {
    await Promise.all(to.map(async v => from.dial(v.getMultiaddrs()[0])))
  }

  before(async () => {
    mesh = await makeMesh('test', Date.now())
    now = mesh.now
    validators = await Promise.all(mesh.validators.map(async key => start(key)))
    dir = await mkdtemp(join(tmpdir(), 'hm-consensus-service-'))
    plotPath = defaultPlotPath(dir, 'test')
    await savePlot(plotPath, await plotFor(mesh, mesh.node), 'test')
    node = await start(mesh.node, { plotPath })
    other = await start(mesh.other)
    await connect(node, validators)
    await connect(other, validators)
  })

  after(async () => {
    await Promise.all([...validators, node, other].map(async n => n.stop()))
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the protocol on validators only', () => {
    assert.ok(validators.every(v => v.getProtocols().includes(CONSENSUS_PROTOCOL)))
    assert.ok(!node.getProtocols().includes(CONSENSUS_PROTOCOL))
    assert.ok(validators[0].services.consensus.isValidator && !node.services.consensus.isValidator)
  })

  it('collects a threshold beacon for the current epoch, the same for every epoch asker', async () => {
    const epoch = epochAt(now, TEST_PARAMS)
    const beacon = await node.services.consensus.beacon(epoch)
    assert.equal(beacon.shares.length, THRESHOLD)
    assert.deepEqual(verifyBeacon(prepareTrustRoot(mesh.root), epoch, beacon.shares), beacon.value)
    assert.equal(await node.services.consensus.beacon(epoch), beacon, 'cached per epoch')
  })

  it('refuses beacon shares for an epoch that has not started', async () => {
    const future = epochAt(now, TEST_PARAMS) + 5
    await assert.rejects(node.services.consensus.beacon(future), { name: 'QuorumUnreachableError' })
  })

  it('gets a stake certificate, makes an install proof with its plot file, and another node verifies it', async () => {
    const bundle = await node.services.consensus.prove({ op: 'install', digest: DIGEST })
    const result = other.services.consensus.verify(bundle, { op: 'install', digest: DIGEST, node: node.peerId.toString() })
    assert.equal(result.node, node.peerId.toString())
    assert.throws(() => other.services.consensus.verify(bundle, { op: 'install', digest: DIGEST, node: node.peerId.toString() }), { name: 'BundleReplayedError' })
    assert.doesNotThrow(() => new ConsensusVerifier(mesh.root, { now: () => now }).verify(bundle, { op: 'install', digest: DIGEST, node: node.peerId.toString() }))
  })

  it('serves the control-API contract: proof request in, verified bundle out', async () => {
    const made = await proofForRequest(node.services.consensus, { op: 'publish', digest: DIGEST })
    assert.equal(made.op, 'publish')
    assert.equal(made.node, node.peerId.toString())
    const verified = verifyForRequest(other.services.consensus, { bundle: made.bundle, op: 'publish', digest: DIGEST, node: made.node })
    assert.equal(verified.epoch, made.epoch)
    await assert.rejects(proofForRequest(node.services.consensus, { op: 'steal', digest: DIGEST }), { name: 'BundleMalformedError' })
    assert.throws(() => verifyForRequest(other.services.consensus, { bundle: made.bundle, op: 'install', digest: DIGEST, node: made.node }), { name: 'OperationMismatchError' })
  })

  it('names a missing plot', async () => {
    await assert.rejects(other.services.consensus.prove({ op: 'install', digest: DIGEST }), { name: 'PlotFileMissingError' })
  })

  it('refuses a stake certificate for a node without stake, and one asked for another node', async () => {
    const poorNode = await start(mesh.poor)
    try {
      await connect(poorNode, validators)
      await assert.rejects(poorNode.services.consensus.stakeCertificate(await plotFor(mesh, mesh.poor)), { name: 'QuorumUnreachableError' })
      // asking directly for someone else's certificate
      const plot = await plotFor(mesh, mesh.node)
      const { makeRegistration } = await import('../../src/consensus/index.ts')
      const stream = await poorNode.dialProtocol(validators[0].peerId, CONSENSUS_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(encodeMessage({
        type: 'stake-signature',
        certificate: { node: node.peerId.toString(), amount: 1000, plotRoot: plot.root, notBefore: now, notAfter: now + 1000, trustRootId: mesh.root.meshId, paramsId: TEST_PARAMS.id },
        registration: makeRegistration(plot, node.peerId.toString(), TEST_PARAMS)
      }))
      const response = decodeResponse((await lp.read()).subarray())
      assert.equal(response.status, 'error')
      assert.equal(response.status === 'error' && response.code, 'NOT_ALLOWED')
    } finally {
      await poorNode.stop()
    }
  })

  it('answers garbage with BAD_REQUEST', async () => {
    const stream = await node.dialProtocol(validators[1].peerId, CONSENSUS_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(Uint8Array.of(0xa1, 0x61, 0x78, 0x01))
    const response = decodeResponse((await lp.read()).subarray())
    assert.equal(response.status === 'error' && response.code, 'BAD_REQUEST')
  })

  it('still reaches the threshold with one validator down, not with two', async () => {
    await validators[3].stop()
    const beacon = await other.services.consensus.beacon(epochAt(now, TEST_PARAMS))
    assert.equal(beacon.shares.length, THRESHOLD)
    await validators[2].stop()
    await assert.rejects(other.services.consensus.beacon(epochAt(now, TEST_PARAMS) - 1), { name: 'QuorumUnreachableError' })
  })
})
