import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { MIN_CHUNK_SIZE, rootCidOf, encodeRootObject } from '../../src/package/index.ts'
import type { RootObject } from '../../src/package/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { fetchChunks } from '../../src/transfer/swarm.ts'
import type { Session } from '../../src/transfer/session.ts'
import { MIN_PEER_WINDOW } from '../../src/transfer/constants.ts'
import { ERROR_CODES, StoqRemoteError } from '../../src/transfer/errors.ts'

/**
 * Virtual time: callers wait until a moment; moments pass in order, one per event-loop turn, so
 * whatever a resolved wait sets off (answers, new requests) happens before time moves on. Which
 * provider gets which chunk then depends on the links alone, whatever the machine's load.
 */
class VirtualClock {
  now = 0
  private readonly events: Array<{ at: number, resolve: () => void }> = []
  private scheduled = false

  async until (at: number): Promise<void> {
    await new Promise<void>(resolve => {
      this.events.push({ at, resolve })
      this.events.sort((a, b) => a.at - b.at)
      this.schedule()
    })
  }

  private schedule (): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      const next = this.events.shift()
      if (next === undefined) return
      this.now = Math.max(this.now, next.at)
      next.resolve()
      if (this.events.length > 0) this.schedule()
    })
  }
}

/** A link that sends one chunk at a time, each taking `ms` (an uplink, or the getter's own downlink). */
function link (clock: VirtualClock, ms: number): () => Promise<void> {
  let free = 0
  return async () => {
    free = Math.max(clock.now, free) + ms
    await clock.until(free)
  }
}

/** A provider stand-in whose answers each wait for `send` (its link), noting how many it held at once. */
function fakeSession (peer: string, send: () => Promise<void>): { session: Session, most: () => number } {
  let open = 0
  let most = 0
  const session = {
    peer,
    alive: true,
    close: () => {},
    get: async (_cid: unknown, _signal?: AbortSignal, into?: Uint8Array): Promise<Uint8Array[]> => {
      most = Math.max(most, ++open)
      await send()
      open--
      return [into ?? new Uint8Array(MIN_CHUNK_SIZE)]
    }
  }
  return { session: session as unknown as Session, most: () => most }
}

/** Fetches `chunks` chunks from fake providers whose answers pass through `links(i)`; the most each held at once and the chunks each delivered. */
async function fetchWith (providers: number, window: number, chunks: number, links: (clock: VirtualClock, i: number) => () => Promise<void>): Promise<{ most: number[], delivered: number[] }> {
  const clock = new VirtualClock()
  const obj: RootObject = { size: chunks * MIN_CHUNK_SIZE, chunkSize: MIN_CHUNK_SIZE, hashes: randomBytes(32 * chunks) }
  const store = { putChunk: async () => {} } as unknown as ChunkStore
  const fakes = Array.from({ length: providers }, (_, i) => fakeSession(`peer${i}`, links(clock, i)))
  const r = await fetchChunks(store, rootCidOf(encodeRootObject(obj)), obj, Array.from({ length: chunks }, (_, i) => i), fakes.map(f => f.session), { window, onBadPeer: () => {}, presentBytes: 0 })
  assert.equal(r.fetchedChunks, chunks)
  return { most: fakes.map(f => f.most()), delivered: fakes.map((_, i) => r.peers[`peer${i}`] ?? 0) }
}

/** Each provider behind its own link of 2 ms per chunk. */
const own = (clock: VirtualClock): () => Promise<void> => link(clock, 2)

describe('fetchChunks window', () => {
  it('gives a single provider the whole window', async () => {
    assert.deepEqual((await fetchWith(1, 8, 30, own)).most, [8])
  })

  it('shares the window among providers, at least MIN_PEER_WINDOW each', async () => {
    assert.deepEqual((await fetchWith(3, 8, 16, own)).most, [MIN_PEER_WINDOW, MIN_PEER_WINDOW, MIN_PEER_WINDOW])
    assert.deepEqual((await fetchWith(2, 12, 16, own)).most, [6, 6])
  })
})

describe('fetchChunks spreads chunks', () => {
  const CHUNK_MS = 8
  const CHUNKS = 64

  it('over providers each behind its own link', async () => {
    const { delivered } = await fetchWith(3, 8, CHUNKS, clock => link(clock, CHUNK_MS))
    for (const n of delivered) assert.ok(n >= CHUNKS / 4, `chunks per provider: ${delivered.join('/')}`)
  })

  it('over providers sharing one link: every provider stays busy throughout', async () => {
    let shared: (() => Promise<void>) | undefined
    const { delivered } = await fetchWith(3, 8, CHUNKS, clock => { shared ??= link(clock, CHUNK_MS); return shared })
    for (const n of delivered) assert.ok(n >= CHUNKS / 4, `chunks per provider: ${delivered.join('/')}`)
  })
})

describe('fetchChunks with providers still being dialled', () => {
  const CHUNKS = 6
  const LACKED = 3
  const obj: RootObject = { size: CHUNKS * MIN_CHUNK_SIZE, chunkSize: MIN_CHUNK_SIZE, hashes: randomBytes(32 * CHUNKS) }
  const store = { putChunk: async () => {} } as unknown as ChunkStore
  /** A provider holding every chunk. */
  const full = (peer: string): Session => ({
    peer,
    alive: true,
    close: () => {},
    get: async (_cid: unknown, _signal?: AbortSignal, into?: Uint8Array): Promise<Uint8Array[]> => [into ?? new Uint8Array(MIN_CHUNK_SIZE)]
  }) as unknown as Session
  /** A provider holding every chunk but LACKED (a partial copy: it answers NOT_FOUND). */
  const lacking = (): Session => {
    let n = 0
    const s = full('partial') as any
    s.get = async (_cid: unknown, _signal?: AbortSignal, into?: Uint8Array) => {
      // chunks are asked for in order: the LACKED-th request is chunk LACKED
      if (n++ === LACKED) throw new StoqRemoteError(ERROR_CODES.NOT_FOUND, 'no such chunk')
      return [into ?? new Uint8Array(MIN_CHUNK_SIZE)]
    }
    return s as Session
  }
  const fetch = async (join: (add: (s: Session) => void, settled: () => void) => void): Promise<Awaited<ReturnType<typeof fetchChunks>>> =>
    await fetchChunks(store, rootCidOf(encodeRootObject(obj)), obj, Array.from({ length: CHUNKS }, (_, i) => i), [lacking()], { window: 1, onBadPeer: () => {}, presentBytes: 0, join })

  it('waits for a dial still running when the open providers lack a chunk, and takes it from the joining one', async () => {
    const r = await fetch((add, settled) => { setTimeout(() => { add(full('late')); settled() }, 50) })
    assert.equal(r.fetchedChunks, CHUNKS)
    assert.ok((r.peers.late ?? 0) >= 1, `chunks per provider: ${JSON.stringify(r.peers)}`)
  })

  it('fails with FetchIncompleteError once every dial has settled and no provider has the chunk', async () => {
    await assert.rejects(fetch((_add, settled) => { setTimeout(settled, 50) }), { name: 'FetchIncompleteError' })
  })
})
