import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  parseManifest, canonicalManifestBytes, decodeManifestBytes, manifestDigest, manifestCid,
  cidOf, CBOR_CODEC, JSON_CODEC, BLAKE3_CODE, FILE_TYPE_SYMLINK
} from '../../src/package/index.ts'
import type { Manifest } from '../../src/package/index.ts'
import { SEED_MANIFEST } from '../fixtures/seed-manifest.ts'

const root = cidOf(CBOR_CODEC, new TextEncoder().encode('root object')).toString()

/** The seed example from DESIGN.md with the content fields added. */
function seedManifest (): Manifest {
  return {
    ...structuredClone(SEED_MANIFEST),
    content: { root, size: 15, chunk_size: 1048576 },
    files: [{ path: 'index.js', mode: 0o100644, size: 10 }, { path: 'lib/a.js', mode: 0o100755, size: 5 }]
  }
}

describe('manifest', () => {
  it('accepts the seed example with content fields', () => {
    const m = parseManifest(seedManifest())
    assert.equal(m.id, 'catalog')
  })

  it('accepts host range and entry', () => {
    parseManifest({ ...seedManifest(), hypermesh: '>=0.1.0', entry: 'index.js' })
  })

  it('canonical bytes do not depend on key order', () => {
    const a = seedManifest()
    const b = Object.fromEntries(Object.entries(seedManifest()).reverse()) as Manifest
    assert.deepEqual(canonicalManifestBytes(a), canonicalManifestBytes(b))
    assert.equal(manifestDigest(a), manifestDigest(b))
    const text = new TextDecoder().decode(canonicalManifestBytes(a))
    assert.ok(text.startsWith('{"category":"AssetLibrary","certificate_fingerprint":'), text)
    assert.ok(!text.includes(' '.repeat(2)))
  })

  it('digest is a json-codec blake3 CID and changes with any field', () => {
    const cid = manifestCid(seedManifest())
    assert.equal(cid.code, JSON_CODEC)
    assert.equal(cid.multihash.code, BLAKE3_CODE)
    assert.equal(manifestDigest(seedManifest()), cid.toString())
    assert.notEqual(manifestDigest({ ...seedManifest(), version: '1.0.1' }), cid.toString())
  })

  it('decodes canonical bytes and refuses non-canonical ones', () => {
    const bytes = canonicalManifestBytes(seedManifest())
    assert.deepEqual(decodeManifestBytes(bytes), parseManifest(seedManifest()))
    const pretty = new TextEncoder().encode(JSON.stringify(seedManifest(), null, 2))
    assert.throws(() => decodeManifestBytes(pretty), { name: 'InvalidManifestError' })
  })

  const bad: Array<[string, (m: any) => void]> = [
    ['unknown field', m => { m.extra = 1 }],
    ['unknown capability', m => { m.required_capabilities = ['Root'] }],
    ['bad version', m => { m.version = '1.0' }],
    ['bad dependency range', m => { m.dependencies[0].version_requirement = 'banana' }],
    ['absolute path', m => { m.files[0].path = '/etc/passwd' }],
    ['dot-dot path', m => { m.files[0].path = 'a/../../x' }],
    ['duplicate path', m => { m.files[1].path = 'index.js' }],
    ['file under a file', m => { m.files[1].path = 'index.js/a.js' }],
    ['sizes disagree', m => { m.content.size = 16 }],
    ['bad mode', m => { m.files[0].mode = 0o40755 }],
    ['root of wrong codec', m => { m.content.root = cidOf(0x55, new Uint8Array(1)).toString() }],
    ['tiny chunk size', m => { m.content.chunk_size = 1 }],
    ['entry that is not a file', m => { m.entry = 'missing.js' }],
    ['fractional size', m => { m.files[0].size = 9.5; m.content.size = 14.5 }]
  ]
  for (const [what, mutate] of bad) {
    it(`refuses ${what}`, () => {
      const m = seedManifest()
      mutate(m)
      assert.throws(() => parseManifest(m), { name: 'InvalidManifestError' })
    })
  }

  it('accepts a symlink entry', () => {
    const m = seedManifest()
    m.files.push({ path: 'link', mode: FILE_TYPE_SYMLINK, size: 0 })
    parseManifest(m)
  })
})
