import type { KeyObject } from 'node:crypto'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  KEY_FILE_MODE, parseCertificateBundle, parsePrivateKeyPem, privateKeyToPem, publicKeyOf
} from '../trust/index.ts'
import type { TrustCertificate } from '../trust/index.ts'
import { PublisherCredentialsError } from './errors.ts'

/**
 * Publisher credentials: the key and chain that sign a name's records. Republishing before
 * expiry needs a fresh signature, so the registry keeps the credentials of the names it
 * republishes in the data dir, like kubo's keystore for IPNS: `<dataDir>/registry/publishers/
 * <fingerprint hex>.json`, mode 0600. `publish(..., { republish: false })` keeps none (the record
 * then simply expires).
 */
export interface PublisherCredentials {
  key: KeyObject
  /** Publisher certificate first, then intermediates. */
  chain: TrustCertificate[]
}

export const PUBLISHERS_DIR = join('registry', 'publishers')

/** Accepts objects or PEM text (a bundle for the chain) and checks the key belongs to the leaf. */
export function toCredentials (key: KeyObject | string, chain: TrustCertificate[] | string): PublisherCredentials {
  const k = typeof key === 'string' ? parsePrivateKeyPem(key) : key
  const c = typeof chain === 'string' ? parseCertificateBundle(chain) : chain
  if (c.length === 0) throw new PublisherCredentialsError('no publisher certificate given', { hint: 'pass the publisher certificate (and intermediates) with --cert' })
  const own = publicKeyOf(k).export({ format: 'der', type: 'spki' })
  if (Buffer.compare(own, c[0].publicKey.export({ format: 'der', type: 'spki' })) !== 0) {
    throw new PublisherCredentialsError('the key does not belong to the first certificate of the chain', { hint: 'pass the publisher certificate first, then its intermediates, and the key written next to it' })
  }
  return { key: k, chain: c }
}

function fileFor (dataDir: string, fingerprint: string): string {
  return join(dataDir, PUBLISHERS_DIR, `${fingerprint.slice('SHA256:'.length)}.json`)
}

export async function saveCredentials (dataDir: string, creds: PublisherCredentials): Promise<void> {
  const path = fileFor(dataDir, creds.chain[0].fingerprint)
  await mkdir(join(dataDir, PUBLISHERS_DIR), { recursive: true, mode: 0o700 })
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, JSON.stringify({ key: privateKeyToPem(creds.key), chain: creds.chain.map(c => c.pem) }) + '\n', { mode: KEY_FILE_MODE })
  await chmod(tmp, KEY_FILE_MODE)
  await rename(tmp, path)
}

/** The saved credentials for a publisher fingerprint, or undefined when none were kept. */
export async function loadCredentials (dataDir: string, fingerprint: string): Promise<PublisherCredentials | undefined> {
  let text: string
  try {
    text = await readFile(fileFor(dataDir, fingerprint), 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
  const saved = JSON.parse(text) as { key: string, chain: string[] }
  return toCredentials(saved.key, saved.chain.join(''))
}
