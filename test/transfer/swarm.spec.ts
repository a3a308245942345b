import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { MIN_CHUNK_SIZE, rootCidOf, encodeRootObject } from '../../src/package/index.ts'
import type { RootObject } from '../../src/package/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { fetchChunks } from '../../src/transfer/swarm.ts'
import type { Session } from '../../src/transfer/session.ts'
import { MIN_PEER_WINDOW } from '../../src/transfer/constants.ts'

const CHUNKS = 30

/** A provider stand-in answering each request after a few ms, noting how many it held at once. */
function fakeSession (peer: string): { session: Session, most: () => number } {
  let open = 0
  let most = 0
  const session = {
    peer,
    alive: true,
    get inFlight () { return open },
    close: () => {},
    get: async (_cid: unknown, _signal?: AbortSignal, into?: Uint8Array): Promise<Uint8Array[]> => {
      most = Math.max(most, ++open)
      await new Promise(resolve => setTimeout(resolve, 2))
      open--
      return [into ?? new Uint8Array(MIN_CHUNK_SIZE)]
    }
  }
  return { session: session as unknown as Session, most: () => most }
}

async function fetchWith (providers: number, window: number): Promise<number[]> {
  const obj: RootObject = { size: CHUNKS * MIN_CHUNK_SIZE, chunkSize: MIN_CHUNK_SIZE, hashes: randomBytes(32 * CHUNKS) }
  const store = { putChunk: async () => {} } as unknown as ChunkStore
  const fakes = Array.from({ length: providers }, (_, i) => fakeSession(`peer${i}`))
  const r = await fetchChunks(store, rootCidOf(encodeRootObject(obj)), obj, Array.from({ length: CHUNKS }, (_, i) => i), fakes.map(f => f.session), { window, onBadPeer: () => {}, presentBytes: 0 })
  assert.equal(r.fetchedChunks, CHUNKS)
  return fakes.map(f => f.most())
}

describe('fetchChunks window', () => {
  it('gives a single provider the whole window', async () => {
    assert.deepEqual(await fetchWith(1, 8), [8])
  })

  it('shares the window among providers, at least MIN_PEER_WINDOW each', async () => {
    assert.deepEqual(await fetchWith(3, 8), [MIN_PEER_WINDOW, MIN_PEER_WINDOW, MIN_PEER_WINDOW])
    assert.deepEqual(await fetchWith(2, 12), [6, 6])
  })
})
