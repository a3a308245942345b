import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleFor, DIGEST, makeMesh } from './fixture.ts'
import { loadPlot, paramsFor } from '../../src/consensus/index.ts'
import { initDataDir, loadIdentity } from '../../src/node/index.ts'
import { createMeshRoot, generateSigningKey, issueRoot } from '../../src/trust/index.ts'
import { run as plotCreate } from '../../src/cli/commands/plot-create.ts'
import { run as proofVerify } from '../../src/cli/commands/proof-verify.ts'
import { run as proofMake } from '../../src/cli/commands/proof-make.ts'
import type { CliContext } from '../../src/cli/context.ts'
import type { Mesh } from './fixture.ts'

function fakeContext (dataDir: string, api: CliContext['api'] = async () => { throw new Error('no daemon in this test') }): CliContext & { results: unknown[] } {
  const results: unknown[] = []
  return {
    results,
    global: { dataDir, json: true },
    api,
    out: { json: true, result: value => { results.push(value) }, info: () => {}, progress: () => {}, done: () => {} }
  }
}

describe('consensus CLI commands', () => {
  let dir: string
  let mesh: Mesh
  let rootFile: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-consensus-cli-'))
    await initDataDir(dir)
    mesh = await makeMesh('test', Date.now())
    const privateKey = generateSigningKey().privateKey
    const anchor = { certificate: await issueRoot({ subject: 'Consensus Test Root', privateKey }), privateKey }
    const meshRoot = createMeshRoot({
      meshId: mesh.root.meshId, anchors: [anchor.certificate], signers: [anchor], validators: mesh.root.validators, stake: mesh.root.stake, profile: 'test'
    })
    rootFile = join(dir, 'mesh-root.json')
    await writeFile(rootFile, JSON.stringify(meshRoot))
  })

  after(async () => { await rm(dir, { recursive: true, force: true }) })

  it('plot create writes a plot of the mesh root\'s profile for the data dir\'s key', async () => {
    const ctx = fakeContext(dir)
    await plotCreate(ctx, [], { meshRoot: rootFile })
    const result = ctx.results[0] as { path: string, profile: string, plotRoot: string }
    assert.equal(result.profile, 'test')
    assert.ok((await stat(result.path)).size > 2 ** paramsFor('test').plotLog2Labels * 32)
    const key = await loadIdentity(dir)
    const plot = await loadPlot(result.path, key.publicKey.raw)
    assert.equal(Buffer.from(plot.root).toString('hex'), result.plotRoot)
    await assert.rejects(loadPlot(result.path, mesh.node.publicKey.raw), { name: 'PlotFileInvalidError' })
  })

  it('plot create asks for a profile when there is no mesh root', async () => {
    await assert.rejects(plotCreate(fakeContext(dir), [], {}), { name: 'ConsensusProfileUnknownError' })
  })

  it('proof verify accepts a bundle (raw or base64) and names the failure of a wrong one', async () => {
    const bundle = await bundleFor(mesh)
    const raw = join(dir, 'proof.cbor')
    const text = join(dir, 'proof.b64')
    await writeFile(raw, bundle)
    await writeFile(text, Buffer.from(bundle).toString('base64') + '\n')
    const node = mesh.node.publicKey.toString()
    for (const file of [raw, text]) {
      const ctx = fakeContext(dir)
      await proofVerify(ctx, [file], { meshRoot: rootFile, op: 'install', digest: DIGEST, node })
      assert.equal((ctx.results[0] as { valid: boolean }).valid, true)
    }
    await assert.rejects(proofVerify(fakeContext(dir), [raw], { meshRoot: rootFile, op: 'publish', digest: DIGEST, node }), { name: 'OperationMismatchError' })
  })

  it('proof make asks the daemon and writes the bundle', async () => {
    const bundle = await bundleFor(mesh)
    const calls: unknown[] = []
    const ctx = fakeContext(dir, async () => ({
      url: 'http://127.0.0.1:1',
      request: async () => { throw new Error('unused') },
      stream: async <T>(method: string, path: string, body: unknown) => {
        calls.push({ method, path, body })
        return { bundle: Buffer.from(bundle).toString('base64'), op: 'install', digest: DIGEST, node: 'n', epoch: 1 } as T
      }
    }))
    const out = join(dir, 'made.cbor')
    await proofMake(ctx, [], { op: 'install', digest: DIGEST, out })
    assert.deepEqual(calls, [{ method: 'POST', path: '/api/v1/consensus/proofs', body: { op: 'install', digest: DIGEST } }])
    assert.equal((await stat(out)).size, bundle.byteLength)
    await assert.rejects(proofMake(ctx, [], { op: 'steal', digest: DIGEST }), { name: 'InvalidOperationError' })
  })
})
