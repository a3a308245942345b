import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { parseCertificate } from './certificate.ts'
import type { TrustCertificate } from './certificate.ts'
import { HighWaterMarks } from './defences.ts'
import type { Version } from './defences.ts'
import { parseMeshRoot, updateMeshRoot, verifyMeshRoot } from './mesh-root.ts'
import type { MeshRoot } from './mesh-root.ts'
import { parseRevocationList } from './revocation.ts'
import type { RevocationList } from './revocation.ts'
import { TrustStore } from './trust-store.ts'
import { MalformedTrustDataError } from './errors.ts'

const log = logger('hypermesh:trust')

/**
 * The trust store on disk, under `<dataDir>/trust/`:
 * - `mesh-root.json`: the newest verified mesh root (replaced only by a valid rotation);
 * - `anchors/<fingerprint hex>.pem`: anchors trusted outside the mesh root;
 * - `revocations/<issuer fingerprint hex>.pem`: the newest revocation list per issuer, followed by
 *   the issuer certificate that verifies it;
 * - `high-water-marks.json`: the newest version seen per key (rollback defence).
 */
export const TRUST_DIR = 'trust'
export const MESH_ROOT_FILE = 'mesh-root.json'
const ANCHORS_DIR = 'anchors'
const REVOCATIONS_DIR = 'revocations'
const MARKS_FILE = 'high-water-marks.json'

interface FileOptions {
  signal?: AbortSignal
}

export interface LoadedTrust {
  store: TrustStore
  marks: HighWaterMarks
}

function hex (fingerprint: string): string {
  return fingerprint.slice('SHA256:'.length)
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
async function writeAtomic (path: string, data: string, options: FileOptions): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, data, { signal: options.signal })
  await rename(tmp, path)
}

async function readOptional (path: string, options: FileOptions): Promise<string | undefined> {
  try {
    return await readFile(path, { encoding: 'utf8', signal: options.signal })
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
}

async function listFiles (dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter(f => f.endsWith('.pem')).sort()
  } catch (err: any) {
    if (err.code === 'ENOENT') return []
    throw err
  }
}

/**
 * Loads the trust store of a data dir. Files are re-verified (a tampered disk fails loudly);
 * a revocation list that has gone stale since it was saved is still kept, because the newest
 * known list is better than none.
 */
export async function loadTrust (dataDir: string, options: FileOptions & { at?: Date } = {}): Promise<LoadedTrust> {
  const dir = join(dataDir, TRUST_DIR)
  const store = new TrustStore()
  const rootText = await readOptional(join(dir, MESH_ROOT_FILE), options)
  // expiry is not checked here: a node must still start (and fetch a new root) with an expired one
  if (rootText !== undefined) store.setMeshRoot(verifyMeshRoot(rootText, new Date(0)))
  for (const file of await listFiles(join(dir, ANCHORS_DIR))) {
    store.addAnchor(await readFile(join(dir, ANCHORS_DIR, file), 'utf8'))
  }
  for (const file of await listFiles(join(dir, REVOCATIONS_DIR))) {
    const text = await readFile(join(dir, REVOCATIONS_DIR, file), 'utf8')
    const issuerPem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)
    if (issuerPem === null) throw new MalformedTrustDataError(`${file}: no issuer certificate after the revocation list`)
    const list = parseRevocationList(text, parseCertificate(issuerPem[0]))
    store.revocations.accept(list, list.thisUpdate)
  }
  const marksText = await readOptional(join(dir, MARKS_FILE), options)
  const marks = new HighWaterMarks(marksText === undefined ? {} : JSON.parse(marksText) as Record<string, Version>)
  log('loaded trust store from %s: %d anchors, %d revocation lists', dir, store.anchors().length, store.revocations.all().length)
  return { store, marks }
}

/**
 * Installs a mesh root into a data dir: the first one is verified on its own (it ships with the
 * node); any later one must be a valid rotation of the installed root. Returns the root now in force.
 */
export async function installMeshRoot (dataDir: string, input: unknown, options: FileOptions & { at?: Date } = {}): Promise<MeshRoot> {
  const dir = join(dataDir, TRUST_DIR)
  await mkdir(dir, { recursive: true })
  const path = join(dir, MESH_ROOT_FILE)
  const existing = await readOptional(path, options)
  const at = options.at ?? new Date()
  let root: MeshRoot
  if (existing === undefined) {
    root = verifyMeshRoot(input, at)
  } else {
    const current = parseMeshRoot(existing)
    const candidate = parseMeshRoot(input)
    if (candidate.signed.version === current.signed.version && JSON.stringify(candidate) === JSON.stringify(current)) return current
    root = updateMeshRoot(current, [candidate], at)
  }
  await writeAtomic(path, JSON.stringify(root, null, 2) + '\n', options)
  return root
}

export async function saveAnchor (dataDir: string, anchor: TrustCertificate, options: FileOptions = {}): Promise<void> {
  const dir = join(dataDir, TRUST_DIR, ANCHORS_DIR)
  await mkdir(dir, { recursive: true })
  await writeAtomic(join(dir, `${hex(anchor.fingerprint)}.pem`), anchor.pem, options)
}

/** Saves an accepted revocation list (call after `store.revocations.accept` returned true). */
export async function saveRevocationList (dataDir: string, list: RevocationList, issuer: TrustCertificate, options: FileOptions = {}): Promise<void> {
  const dir = join(dataDir, TRUST_DIR, REVOCATIONS_DIR)
  await mkdir(dir, { recursive: true })
  await writeAtomic(join(dir, `${hex(list.issuerFingerprint)}.pem`), list.pem + issuer.pem, options)
}

export async function saveHighWaterMarks (dataDir: string, marks: HighWaterMarks, options: FileOptions = {}): Promise<void> {
  const dir = join(dataDir, TRUST_DIR)
  await mkdir(dir, { recursive: true })
  await writeAtomic(join(dir, MARKS_FILE), JSON.stringify(marks, null, 2) + '\n', options)
}
