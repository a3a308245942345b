import { setTimeout as sleep } from 'node:timers/promises'
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, cliJson as cli, streamRequest } from './daemon-process.ts'
import type { DaemonProcess } from './daemon-process.ts'

/**
 * The local mesh's main job, step by step as an operator would do it: one mesh trust root for
 * every node (all of them validators), a signed extension published on the first node, then
 * found, fetched and installed (with a consensus install proof) on the last, and called.
 */

/** Genesis stake each local node gets: enough for the test profile's minimum stake. */
const LOCAL_STAKE = 1000

async function exists (path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

export interface MeshTrust {
  dir: string
  publisherCert: string
  publisherKey: string
}

/**
 * Makes the mesh's trust material once (root, intermediate, publisher, mesh root naming every
 * node as a validator with genesis stake), installs the mesh root in every data dir and makes
 * each node's proof-of-space plot. Re-running reuses what exists.
 */
export async function setupMeshTrust (baseDir: string, nodes: Array<{ dataDir: string, peerId: string }>): Promise<MeshTrust> {
  const dir = join(baseDir, 'mesh-trust')
  const trust = { dir, publisherCert: join(dir, 'publisher.pem'), publisherKey: join(dir, 'publisher.key') }
  if (!await exists(join(dir, 'mesh-root.json'))) {
    await cli(nodes[0].dataDir, 'trust', 'init-mesh', '--out', dir, '--profile', 'test',
      ...nodes.flatMap(n => ['--validator', n.peerId, '--stake', `${n.peerId}=${LOCAL_STAKE}`]))
  }
  await Promise.all(nodes.map(async n => {
    if (!await exists(join(n.dataDir, 'trust', 'mesh-root.json'))) await cli(n.dataDir, 'trust', 'install-root', join(dir, 'mesh-root.json'))
    if (!await exists(join(n.dataDir, 'consensus', 'plot-test.bin'))) await cli(n.dataDir, 'plot', 'create')
  }))
  return trust
}

/**
 * The demo package: the `hello` extension from extensions/, its manifest signed by the mesh's
 * publisher (manifest.sig, checked by the extension manager) and its registry metadata
 * (hypermesh.json, signed into the registry record at publish).
 */
export async function prepareHelloPackage (baseDir: string, trust: MeshTrust, dataDir: string): Promise<string> {
  const dir = join(baseDir, 'packages', 'hello')
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  for (const f of ['index.js', 'manifest.json', 'README.md']) await cp(join(ROOT, 'extensions', 'hello', f), join(dir, f))
  await cli(dataDir, 'sign', join(dir, 'manifest.json'), '--cert', trust.publisherCert, '--key', trust.publisherKey, '--out', join(dir, 'manifest.sig'))
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))
  const { id, name, version, category, required_capabilities, provided_assets, dependencies } = manifest
  await writeFile(join(dir, 'hypermesh.json'), JSON.stringify({ id, name, version, category, required_capabilities, provided_assets, dependencies }, null, 2) + '\n')
  return dir
}

export interface DemoResult {
  published: { name: string, version: string, manifest: string, on: string, proof?: string }
  found: { on: string, results: number }
  /** `proofChecked`: the fetch verified the version's consensus publish proof. */
  fetched: { on: string, dir: string, files: number, proofChecked: boolean }
  installed: { on: string, id: string, version: string, state: string, granted: string[] }
  called: { on: string, result: unknown }
}

/** Runs a streamed operation; its result, plus the progress lines it sent (`lines`). */
async function stream (d: DaemonProcess, path: string, body: unknown, say: (m: string) => void): Promise<any> {
  const r = await streamRequest(d, path, body)
  if (r.error != null) throw new Error(`${path} on ${d.peerId}: ${r.error.code}: ${r.error.message}`)
  say(`    ${path}: ${r.lines.length} progress events`)
  return { ...r.result, lines: r.lines }
}

/** Searches made before the demo gives up on finding the package it just published. */
const SEARCH_ATTEMPTS = 6
/** Pause between searches. */
const SEARCH_RETRY_MS = 2_000

/** Publish on `from`, then search, fetch, install and call on `to`. */
export async function runDemo (from: DaemonProcess, to: DaemonProcess, pkgDir: string, trust: MeshTrust, workDir: string, say: (m: string) => void): Promise<DemoResult> {
  say('  publishing hello on node1')
  const published = await stream(from, '/api/v1/registry/publish', { dir: pkgDir, cert: trust.publisherCert, key: trust.publisherKey }, say)
  say('  searching the mesh from the last node')
  // discovery is eventually consistent (provider records spread through the DHT): on a busy
  // machine a search right after publishing may ask before they arrive, so it is asked again
  let found: any
  for (let attempt = 1; ; attempt++) {
    found = await stream(to, '/api/v1/registry/search', { text: 'hello' }, say)
    if (found.results.some((r: any) => r.name === 'hello')) break
    const trail = found.lines.filter((l: any) => l.type?.startsWith('registry:search:')).map((l: any) => `${l.type} ${JSON.stringify(l.detail)}`)
    if (attempt === SEARCH_ATTEMPTS) throw new Error(`search did not find hello in ${attempt} attempts; last: results ${JSON.stringify(found.results)}; ${trail.join('; ')}`)
    say(`    not found yet (${trail.join('; ')}); searching again`)
    await sleep(SEARCH_RETRY_MS)
  }
  say('  fetching hello on the last node')
  const out = join(workDir, 'fetched-hello')
  await rm(out, { recursive: true, force: true })
  const fetched = await stream(to, '/api/v1/registry/fetch', { spec: 'hello@^1.0.0', out }, say)
  say('  installing hello on the last node (install proof from the validators)')
  const installed = await stream(to, '/api/v1/extensions/install', { name: 'hello@^1.0.0' }, say)
  const call = await to.request('POST', '/api/v1/extensions/hello/call', { method: 'hello', args: ['mesh'] })
  if (call.status !== 200) throw new Error(`calling hello failed: ${JSON.stringify(call.body)}`)
  return {
    published: { name: published.name, version: published.version, manifest: published.manifest, on: from.peerId, ...(published.proof !== undefined ? { proof: published.proof } : {}) },
    found: { on: to.peerId, results: found.results.length },
    fetched: { on: to.peerId, dir: fetched.dir, files: fetched.files, proofChecked: fetched.lines.some((l: any) => l.type === 'registry:fetch:proof') },
    installed: { on: to.peerId, id: installed.id, version: installed.version, state: installed.state, granted: installed.grantedCapabilities },
    called: { on: to.peerId, result: call.body.result }
  }
}
