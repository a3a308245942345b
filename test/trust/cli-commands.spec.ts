import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cidOf, CBOR_CODEC } from '../../src/package/index.ts'
import type { CliContext, CommandRun } from '../../src/cli/context.ts'
import { newPeerId } from './fixtures.ts'

/** A CliContext that records what a command printed, so tests can check results and that no key leaked. */
function fakeContext (dataDir: string): { ctx: CliContext, printed: string[], results: any[] } {
  const printed: string[] = []
  const results: any[] = []
  const ctx: CliContext = {
    global: { dataDir, json: true },
    api: async () => { throw new Error('offline commands must not call the daemon') },
    out: {
      json: true,
      result: (value, human) => { results.push(value); printed.push(JSON.stringify(value), typeof human === 'function' ? human() : String(human ?? '')) },
      info: (m) => { printed.push(m) },
      progress: (e) => { printed.push(JSON.stringify(e)) },
      done: () => {}
    }
  }
  return { ctx, printed, results }
}

async function command (name: string): Promise<CommandRun> {
  return (await import(`../../src/cli/commands/${name}.ts`)).run
}

describe('offline trust CLI commands', () => {
  let dir: string
  let dataDir: string
  let peerId: string
  const printed: string[] = []
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hm-trust-cli-'))
    dataDir = join(dir, 'data')
    peerId = await newPeerId()
  })
  after(async () => {
    assert.ok(!printed.some(line => line.includes('PRIVATE KEY')), 'a command printed a private key')
    await rm(dir, { recursive: true, force: true })
  })

  async function exec (name: string, args: string[], opts: Record<string, any>): Promise<any> {
    const { ctx, printed: out, results } = fakeContext(dataDir)
    try {
      await (await command(name))(ctx, args, opts)
    } finally {
      printed.push(...out)
    }
    return results[0]
  }

  it('trust init-mesh writes root, intermediate, publisher, mesh root; keys are 0600; --install installs', async () => {
    const mesh = join(dir, 'mesh')
    const r = await exec('trust-init-mesh', [], { out: mesh, validator: [`${peerId}=2`], stake: [`${peerId}=500`], profile: 'test', install: true })
    assert.equal(r.threshold, 2)
    for (const f of ['root.key', 'intermediate.key', 'publisher.key']) assert.equal((await stat(join(mesh, f))).mode & 0o777, 0o600, f)
    const root = JSON.parse(await readFile(join(mesh, 'mesh-root.json'), 'utf8'))
    assert.deepEqual(root.signed.validators, [{ peerId, weight: 2 }])
    assert.deepEqual(root.signed.stake, [{ peerId, amount: 500 }])
    assert.equal(root.signed.consensus.profile, 'test')
    assert.equal((await readFile(join(dataDir, 'trust', 'mesh-root.json'), 'utf8')).length > 0, true)
    await assert.rejects(exec('trust-init-mesh', [], { out: mesh, validator: ['nope=1'] }), { name: 'InvalidTrustRequestError' })
  })

  it('trust show describes certificates and mesh roots and refuses private keys', async () => {
    const shown = await exec('trust-show', [join(dir, 'mesh', 'publisher.pem')], {})
    assert.equal(shown.certificates[0].role, 'publisher')
    assert.equal(shown.certificates[1].role, 'ca')
    assert.equal((await exec('trust-show', [join(dir, 'mesh', 'mesh-root.json')], {})).version, 1)
    await assert.rejects(exec('trust-show', [join(dir, 'mesh', 'root.key')], {}), { name: 'InvalidTrustRequestError' })
  })

  it('trust issue, sign, verify, revoke: a scoped publisher signs; revocation makes verify fail', async () => {
    const mesh = join(dir, 'mesh')
    const issued = await exec('trust-issue', [], { publisher: true, issuerCert: join(mesh, 'intermediate.pem'), issuerKey: join(mesh, 'intermediate.key'), namePrefix: ['acme.'], capability: ['NetworkAccess'], subject: 'Acme', out: join(dir, 'acme') })
    assert.deepEqual(issued.certificate.scope, { namePrefixes: ['acme.'], capabilities: ['NetworkAccess'] })
    assert.equal((await stat(join(dir, 'acme.key'))).mode & 0o777, 0o600)

    const content = new TextEncoder().encode('hi')
    const manifestPath = join(dir, 'manifest.json')
    await writeFile(manifestPath, JSON.stringify({
      id: 'acme.hello', name: 'Hello', version: '1.0.0', category: 'Library', required_capabilities: ['NetworkAccess'],
      provided_assets: [], dependencies: [], content: { root: cidOf(CBOR_CODEC, content).toString(), size: 2, chunk_size: 1048576 },
      files: [{ path: 'hi.txt', mode: 0o100644, size: 2 }]
    }))
    const signed = await exec('sign', [manifestPath], { cert: join(dir, 'acme.pem'), key: join(dir, 'acme.key') })
    assert.equal(signed.manifestRewritten, true)
    assert.equal(JSON.parse(await readFile(manifestPath, 'utf8')).certificate_fingerprint, issued.certificate.fingerprint)

    const viaDataDir = await exec('verify', [manifestPath], {})
    assert.equal(viaDataDir.fingerprint, issued.certificate.fingerprint)
    assert.equal(viaDataDir.chain.length, 3)
    const viaEnvelope = await exec('verify', [join(dir, 'manifest.sig.json')], { meshRoot: join(mesh, 'mesh-root.json') })
    assert.equal(viaEnvelope.package, 'acme.hello')
    await assert.rejects(exec('verify', [manifestPath], { anchor: [join(dir, 'acme.pem')] }), { name: 'InvalidTrustRequestError' })

    const crl = join(dir, 'intermediate.crl.pem')
    const revoked = await exec('trust-revoke', [join(dir, 'acme.pem')], { issuerCert: join(mesh, 'intermediate.pem'), issuerKey: join(mesh, 'intermediate.key'), out: crl })
    assert.equal(revoked.number, '1')
    assert.equal((await exec('trust-revoke', ['abcdef'], { issuerCert: join(mesh, 'intermediate.pem'), issuerKey: join(mesh, 'intermediate.key'), out: crl })).number, '2')
    await assert.rejects(exec('verify', [manifestPath], { crl: [crl], at: new Date(Date.now() + 1000).toISOString() }), { name: 'CertificateRevokedError' })
  })

  it('trust issue --publisher --post-quantum and sign --pq-key make a hybrid signature that verify accepts', async () => {
    const mesh = join(dir, 'mesh')
    const issued = await exec('trust-issue', [], { publisher: true, postQuantum: true, issuerCert: join(mesh, 'intermediate.pem'), issuerKey: join(mesh, 'intermediate.key'), namePrefix: ['pq.'], out: join(dir, 'pq') })
    assert.equal((await stat(issued.files.postQuantumKey)).mode & 0o777, 0o600)
    await assert.rejects(exec('trust-show', [issued.files.postQuantumKey], {}), { name: 'InvalidTrustRequestError' })
    const content = new TextEncoder().encode('pq')
    const manifestPath = join(dir, 'pq-manifest.json')
    await writeFile(manifestPath, JSON.stringify({
      id: 'pq.hello', name: 'PQ', version: '1.0.0', category: 'Library', required_capabilities: [], provided_assets: [], dependencies: [],
      content: { root: cidOf(CBOR_CODEC, content).toString(), size: 2, chunk_size: 1048576 }, files: [{ path: 'a', mode: 0o100644, size: 2 }]
    }))
    await assert.rejects(exec('sign', [manifestPath], { cert: join(dir, 'pq.pem'), key: join(dir, 'pq.key') }), { name: 'InvalidTrustRequestError' })
    assert.equal((await exec('sign', [manifestPath], { cert: join(dir, 'pq.pem'), key: join(dir, 'pq.key'), pqKey: issued.files.postQuantumKey })).hybrid, true)
    assert.equal((await exec('verify', [manifestPath], {})).fingerprint, issued.certificate.fingerprint)
  })

  it('trust rotate-root: v2 adds a new root, signed by old and new keys; install-root follows it; an old root is refused', async () => {
    const mesh = join(dir, 'mesh')
    const newRoot = await exec('trust-init-root', [], { out: join(dir, 'root3'), subject: 'Root Three' })
    const v2Path = join(dir, 'mesh-root.v2.json')
    await assert.rejects(exec('trust-rotate-root', [join(mesh, 'mesh-root.json')], { out: v2Path, anchor: [newRoot.files.certificate], removeAnchor: [], signer: [`${newRoot.files.certificate}=${newRoot.files.key}`] }), { name: 'ThresholdNotMetError' })
    const v2 = await exec('trust-rotate-root', [join(mesh, 'mesh-root.json')], { out: v2Path, anchor: [newRoot.files.certificate], rootThreshold: '2', signer: [`${join(mesh, 'root.pem')}=${join(mesh, 'root.key')}`, `${newRoot.files.certificate}=${newRoot.files.key}`] })
    assert.equal(v2.version, 2)
    assert.equal(v2.anchors, 2)
    assert.equal((await exec('trust-install-root', [v2Path], {})).version, 2)
    await assert.rejects(exec('trust-install-root', [join(mesh, 'mesh-root.json')], {}), { name: 'RollbackError' })
  })

  it('trust init-root and trust issue --node; init-root never overwrites a key', async () => {
    const rootDir = join(dir, 'root2')
    const root = await exec('trust-init-root', [], { out: rootDir, subject: 'Second Root', pathLength: '1' })
    assert.equal(root.certificate.pathLength, 1)
    await assert.rejects(exec('trust-init-root', [], { out: rootDir }), { code: 'EEXIST' })
    const node = await exec('trust-issue', [], { node: peerId, level: 'validator', issuerCert: join(rootDir, 'root.pem'), issuerKey: join(rootDir, 'root.key'), out: join(dir, 'node') })
    assert.deepEqual(node.certificate.node, { peerId, level: 'validator' })
    assert.equal(node.files.key, undefined, 'a node certificate binds the libp2p key; no key file is written')
  })
})
