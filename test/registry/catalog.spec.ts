import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import type { Libp2p } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import {
  CATALOG_PROTOCOL, CATALOG_STATUS, MAX_CATALOG_PAGE, decodeCatalogResponse, decodeRecord, queryCatalog, signRecord, startCatalogServer
} from '../../src/registry/index.ts'
import { body, credsOf, fakeVersion, makePki } from './fixtures.ts'

/** More records than two pages hold, so paging with `after` is exercised. */
const RECORDS = 2 * MAX_CATALOG_PAGE + 5

describe('catalog protocol over TCP on 127.0.0.1', () => {
  let server: Libp2p
  let client: Libp2p
  let stop: () => Promise<void>
  const records = new Map<string, Uint8Array>()

  before(async () => {
    const pki = await makePki()
    for (let i = 0; i < RECORDS; i++) {
      const name = `acme.pkg-${String(i).padStart(3, '0')}`
      const version = { ...fakeVersion('1.0.0', name), assets: [i % 2 === 0 ? 'Library' : 'Container'] }
      records.set(name, signRecord({ body: body({ name, versions: [version] }), ...credsOf(pki) }))
    }
    const make = async (): Promise<Libp2p> => createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
    server = await make()
    client = await make()
    stop = await startCatalogServer(server, async () => records)
    await client.dial(server.getMultiaddrs()[0])
  })

  after(async () => {
    await stop()
    await Promise.all([server.stop(), client.stop()])
  })

  it('returns every record, sorted by name, across pages', async () => {
    const got = await queryCatalog(client, server.peerId, {})
    assert.deepEqual(got.map(r => decodeRecord(r).body.name), [...records.keys()].sort())
  })

  it('narrows by asset type on the server side', async () => {
    const got = await queryCatalog(client, server.peerId, { type: 'Container' })
    assert.equal(got.length, Math.floor(RECORDS / 2))
    assert.ok(got.every(r => decodeRecord(r).body.versions[0].assets[0] === 'Container'))
  })

  it('answers a malformed request with BAD_REQUEST', async () => {
    const stream = await client.dialProtocol(server.peerId, CATALOG_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode('not cbor at all'))
    const res = decodeCatalogResponse((await lp.read()).subarray())
    assert.equal(res.status, CATALOG_STATUS.BAD_REQUEST)
    assert.deepEqual(res.records, [])
  })
})
