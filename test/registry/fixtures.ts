import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalJsonBytes, generateSigningKey, issuePublisher, issueRoot } from '../../src/trust/index.ts'
import { SCOPE } from '../trust/fixtures.ts'
import type { Pki } from '../trust/fixtures.ts'
import { decodeRecord, RECORD_TYPE } from '../../src/registry/index.ts'
import type { RecordBody, RecordVersion } from '../../src/registry/index.ts'
import { cidOf, CBOR_CODEC, JSON_CODEC } from '../../src/package/index.ts'

export { makePki, SCOPE } from '../trust/fixtures.ts'
export type { Pki } from '../trust/fixtures.ts'

/** A publisher under a root nobody here trusts (other subject names, so path building ends at UnknownRoot). */
export async function makeForeignPublisher (): Promise<Pick<Pki, 'publisher' | 'intermediate'>> {
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: 'Mallory Root', privateKey: rootKey }), privateKey: rootKey }
  const pubKey = generateSigningKey()
  const publisher = { certificate: await issuePublisher({ subject: 'Mallory', publicKey: pubKey.publicKey, issuer: root, scope: SCOPE }), privateKey: pubKey.privateKey }
  return { publisher, intermediate: root }
}

export function credsOf (pki: Pick<Pki, 'publisher' | 'intermediate'>): { key: Pki['publisher']['privateKey'], chain: Array<Pki['publisher']['certificate']> } {
  return { key: pki.publisher.privateKey, chain: [pki.publisher.certificate, pki.intermediate.certificate] }
}

export function fakeVersion (version: string, seed = version): RecordVersion {
  const bytes = new TextEncoder().encode(seed)
  return {
    version,
    manifest: cidOf(JSON_CODEC, bytes).toString(),
    root: cidOf(CBOR_CODEC, bytes).toString(),
    size: 1234,
    title: 'Acme Tool',
    category: 'Tools',
    assets: ['Library'],
    capabilities: ['NetworkAccess'],
    published: '2026-01-01T00:00:00.000Z'
  }
}

export function body (params: Partial<RecordBody> & { now?: Date, lifetimeMs?: number } = {}): RecordBody {
  const now = params.now ?? new Date()
  const { now: _n, lifetimeMs, ...rest } = params
  return {
    type: RECORD_TYPE,
    name: 'acme.tool',
    sequence: 1,
    issued: now.toISOString(),
    expires: new Date(now.getTime() + (lifetimeMs ?? 3_600_000)).toISOString(),
    versions: [fakeVersion('1.0.0')],
    ...rest
  }
}

export async function tempDir (prefix = 'hm-registry-'): Promise<{ dir: string, [Symbol.asyncDispose]: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, [Symbol.asyncDispose]: async () => { await rm(dir, { recursive: true, force: true }) } }
}

export async function removeDirs (dirs: string[]): Promise<void> {
  await Promise.all(dirs.map(async dir => { await rm(dir, { recursive: true, force: true }) }))
}

/** The record with its version list replaced after signing (signature kept). */
export function tamperVersions (bytes: Uint8Array): Uint8Array {
  const { envelope, body: signed } = decodeRecord(bytes)
  const tampered = { ...signed, versions: [fakeVersion(signed.versions[0].version, 'evil content')] }
  return canonicalJsonBytes({ ...envelope, payload: Buffer.from(canonicalJsonBytes(tampered)).toString('base64') })
}
