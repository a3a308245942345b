import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  blake3Hash, cidFromHash, RAW_CODEC, encodeRootObject, decodeRootObject, rootCidOf, canonicalManifestBytes, manifestDigest,
  decodeManifestBytes
} from '../../src/package/index.ts'

const load = (name: string): any => JSON.parse(readFileSync(new URL(`../../protocols/stoq/vectors/${name}`, import.meta.url), 'utf8'))

describe('golden vectors (protocols/stoq/vectors)', () => {
  const v = load('content.json')
  const content = Uint8Array.from({ length: v.content.length }, (_, i) => i % 251)

  it('chunk hashes and CIDs', () => {
    for (const c of v.chunks) {
      const h = blake3Hash(content.subarray(c.offset, c.offset + c.length))
      assert.equal(Buffer.from(h).toString('hex'), c.blake3)
      assert.equal(cidFromHash(RAW_CODEC, h).toString(), c.cid)
    }
  })

  it('root object bytes and CID', () => {
    const hashes = Buffer.concat(v.chunks.map((c: any) => Buffer.from(c.blake3, 'hex')))
    const bytes = encodeRootObject({ size: v.content.length, chunkSize: v.chunkSize, hashes })
    assert.equal(Buffer.from(bytes).toString('hex'), v.rootObject.hex)
    assert.equal(rootCidOf(bytes).toString(), v.rootObject.cid)
    assert.equal(decodeRootObject(Buffer.from(v.emptyRootObject.hex, 'hex')).size, 0)
    assert.equal(rootCidOf(Buffer.from(v.emptyRootObject.hex, 'hex')).toString(), v.emptyRootObject.cid)
  })

  it('manifest canonical bytes and digest', () => {
    const m = load('manifest.json')
    const bytes = canonicalManifestBytes(m.manifest)
    assert.equal(new TextDecoder().decode(bytes), m.canonical)
    assert.equal(Buffer.from(bytes).toString('hex'), m.canonicalHex)
    assert.equal(manifestDigest(m.manifest), m.digest)
    assert.deepEqual(decodeManifestBytes(Buffer.from(m.canonicalHex, 'hex')).content.root, v.rootObject.cid)
  })
})
