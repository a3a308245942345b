import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { toString as u8ToString } from 'uint8arrays/to-string'
import { decodeRecord, lookupRecord, recordKey, SequenceMarks, signRecord } from '../../src/registry/index.ts'
import { TrustStore } from '../../src/trust/index.ts'
import { body, credsOf, makePki } from './fixtures.ts'

const pki = await makePki()
const trustStore = new TrustStore({ anchors: [pki.root.certificate] })
const NAME = 'acme.tool'
const signed = (sequence: number): Uint8Array => signRecord({ body: body({ name: NAME, sequence }), ...credsOf(pki) })

/** A DHT whose query answers GET_VALUE with `records`, one peer each, counting the answers taken. */
function fakeDht (records: Uint8Array[]): { dht: KadDHT, taken: () => number } {
  let taken = 0
  const dht = {
    async * get (_key: Uint8Array, options: { signal?: AbortSignal }) {
      for (const value of records) {
        if (options.signal?.aborted === true) return
        taken++
        yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', record: { value }, closer: [] }
      }
    }
  }
  return { dht: dht as unknown as KadDHT, taken: () => taken }
}

async function context (records: Uint8Array[], local?: Uint8Array): Promise<{ ctx: Parameters<typeof lookupRecord>[1], taken: () => number }> {
  const datastore = new MemoryDatastore()
  const marks = new SequenceMarks()
  if (local !== undefined) {
    // as kad-dht stores a PUT it accepted; its validator raised the mark
    const key = recordKey(NAME)
    await datastore.put(new Key(`/dht/record/${u8ToString(key, 'base32')}`, false), new DhtRecord(key, local, new Date()).serialize())
    await marks.raise(NAME, decodeRecord(local).body.sequence)
  }
  const { dht, taken } = fakeDht(records)
  return { ctx: { dht, datastore, trustStore, marks, now: new Date() }, taken }
}

describe('registry lookup: when a resolve stops asking', () => {
  it('a node that knew nothing of the name waits for two answers and picks the newer', async () => {
    const { ctx, taken } = await context([signed(1), signed(2), signed(3), signed(4)])
    const record = await lookupRecord(NAME, ctx, AbortSignal.timeout(5_000))
    assert.equal(taken(), 2)
    assert.equal(record.body.sequence, 2)
  })

  it('a node holding a copy stops at the first peer confirming it, skipping an older (rolled-back) answer', async () => {
    const { ctx, taken } = await context([signed(1), signed(2), signed(2), signed(2)], signed(2))
    const record = await lookupRecord(NAME, ctx, AbortSignal.timeout(5_000))
    assert.equal(taken(), 2, 'the stale answer did not count, the next one settled it')
    assert.equal(record.body.sequence, 2)
  })

  it('a newer answer than the own copy settles it and wins', async () => {
    const { ctx, taken } = await context([signed(5), signed(1)], signed(3))
    const record = await lookupRecord(NAME, ctx, AbortSignal.timeout(5_000))
    assert.equal(taken(), 1)
    assert.equal(record.body.sequence, 5)
  })

  it('with no peer answering, the own copy is the answer; with nothing at all, PackageNotFoundError', async () => {
    const held = await context([], signed(2))
    assert.equal((await lookupRecord(NAME, held.ctx, AbortSignal.timeout(5_000))).body.sequence, 2)
    const none = await context([])
    await assert.rejects(lookupRecord(NAME, none.ctx, AbortSignal.timeout(5_000)), { name: 'PackageNotFoundError' })
  })

  it('a record put to this node while its query found nothing is the answer', async () => {
    const { ctx } = await context([])
    const key = recordKey(NAME)
    const dht = {
      async * get () {
        // the publisher's put lands here while peers answer that they have nothing
        await ctx.datastore.put(new Key(`/dht/record/${u8ToString(key, 'base32')}`, false), new DhtRecord(key, signed(1), new Date()).serialize())
        yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', closer: [] }
      }
    }
    const record = await lookupRecord(NAME, { ...ctx, dht: dht as unknown as KadDHT }, AbortSignal.timeout(5_000))
    assert.equal(record.body.sequence, 1)
  })
})
