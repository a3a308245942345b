import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf, CBOR_CODEC, manifestDigest, parseManifest } from '../../src/package/index.ts'
import type { Manifest } from '../../src/package/index.ts'
import { checkManifest, versionEntry } from '../../src/registry/index.ts'
import type { VerifiedRecord } from '../../src/registry/index.ts'
import { body } from './fixtures.ts'

const FINGERPRINT = 'SHA256:' + 'ab'.repeat(32)

function manifest (over: Partial<Manifest> = {}): Manifest {
  return parseManifest({
    id: 'acme.tool', name: 'Acme Tool', version: '1.0.0', category: 'Tools', required_capabilities: [], provided_assets: ['Library'], dependencies: [],
    certificate_fingerprint: FINGERPRINT,
    content: { root: cidOf(CBOR_CODEC, new Uint8Array([1])).toString(), size: 3, chunk_size: 16384 },
    files: [{ path: 'a.txt', mode: 0o100644, size: 3 }],
    ...over
  })
}

function recordFor (m: Manifest): { record: VerifiedRecord, version: ReturnType<typeof versionEntry> } {
  const version = versionEntry(m, manifestDigest(m), new Date())
  const b = body({ versions: [version] })
  return { record: { body: b, bytes: new Uint8Array(), publisher: { fingerprint: FINGERPRINT, subject: 'CN=Acme', anchor: FINGERPRINT } }, version }
}

describe('a fetched manifest against its record', () => {
  it('accepts exactly the manifest the record binds', () => {
    const m = manifest()
    const { record, version } = recordFor(m)
    checkManifest(m, record, version)
  })

  it('refuses another manifest (mix-and-match), another version (wrong software) and another publisher', () => {
    const m = manifest()
    const { record, version } = recordFor(m)
    assert.throws(() => checkManifest(manifest({ files: [{ path: 'b.txt', mode: 0o100644, size: 3 }] }), record, version), { name: 'DigestMismatchError' })
    const v2 = manifest({ version: '2.0.0' })
    assert.throws(() => checkManifest(v2, record, { ...version, manifest: manifestDigest(v2) }), { name: 'WrongSoftwareError' })
    const other = manifest({ certificate_fingerprint: 'SHA256:' + 'cd'.repeat(32) })
    assert.throws(() => checkManifest(other, record, { ...version, manifest: manifestDigest(other) }), { name: 'ManifestMismatchError' })
    assert.throws(() => checkManifest(m, record, { ...version, size: 4 }), { name: 'ManifestMismatchError' })
  })
})
