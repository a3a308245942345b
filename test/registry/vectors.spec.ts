import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { parseCertificate, parseRevocationList, TrustStore } from '../../src/trust/index.ts'
import {
  contentKey, decodeCatalogRequest, decodeCatalogResponse, discoveryKey, encodeCatalogMessage, recordKey, verifyRecord
} from '../../src/registry/index.ts'

const vectors = JSON.parse(await readFile(new URL('../../protocols/registry/vectors/records.json', import.meta.url), 'utf8'))

describe('registry vectors (protocols/registry/vectors/records.json)', () => {
  const at = new Date(vectors.at)
  const store = new TrustStore({ anchors: vectors.anchors })
  for (const r of vectors.revocations) store.revocations.accept(parseRevocationList(r.crl, parseCertificate(r.issuer)), at)

  for (const c of vectors.cases) {
    it(c.description, () => {
      const value = new TextEncoder().encode(c.value)
      if (c.valid === true) {
        assert.equal(verifyRecord(value, { trustStore: store, at, name: c.key }).body.sequence, c.sequence)
      } else {
        assert.throws(() => verifyRecord(value, { trustStore: store, at, name: c.key }), { name: c.error })
      }
    })
  }

  it('derives the same DHT, discovery and content keys', () => {
    assert.equal(new TextDecoder().decode(recordKey(vectors.keys.record.name)), vectors.keys.record.key)
    for (const d of vectors.keys.discovery) assert.equal(discoveryKey(d.kind, d.label).toString(), d.cid)
    for (const k of vectors.keys.content) assert.equal(contentKey(k.cid).toString(), k.key)
  })

  it('encodes and decodes the catalog messages byte for byte', () => {
    const req = Buffer.from(vectors.catalog.request.hex, 'hex')
    assert.deepEqual(decodeCatalogRequest(req), vectors.catalog.request.value)
    assert.equal(Buffer.from(encodeCatalogMessage(vectors.catalog.request.value)).toString('hex'), vectors.catalog.request.hex)
    const res = decodeCatalogResponse(Buffer.from(vectors.catalog.response.hex, 'hex'))
    assert.equal(new TextDecoder().decode(res.records[0]), vectors.cases[0].value)
    assert.throws(() => decodeCatalogRequest(encodeCatalogMessage({ v: 1, limit: 1000 } as any)), { name: 'CatalogProtocolError' })
  })
})
