import type { CustomProgressEvent } from '../util/progress.ts'

/**
 * Progress events of a fetch (plain-JSON detail, so they cross the control API as NDJSON):
 *
 * - `stoq:fetch:providers`    { root, peers: string[] } — the providers this fetch uses, once every dial has settled while it runs (it starts with the first open)
 * - `stoq:fetch:manifest`     { cid, root, size } — a manifest was fetched and verified
 * - `stoq:fetch:root`         { root, size, chunkSize, chunks, present } — chunk list verified; `present` chunks resume from the store
 * - `stoq:fetch:chunk`        { root, index, bytes, peer, received, size, chunksDone, chunks } — one chunk verified and stored
 * - `stoq:fetch:peer:dropped` { peer, reason } — a provider was dropped (reason is an error name: BadBlockError, StallError, ...)
 * - `stoq:fetch:peer:reopened` { peer } — a provider whose stream broke (reset, closed) serves again on a new stream
 * - `stoq:fetch:peer:joined`  { peer } — a provider whose dial completed after the chunks' fetch began joins it
 * - `stoq:fetch:done`         { root, size, fetchedBytes, fetchedChunks, resumedChunks, peers, durationMs }
 */
export type StoqFetchProgress =
  | CustomProgressEvent<{ root: string, peers: string[] }, 'stoq:fetch:providers'>
  | CustomProgressEvent<{ cid: string, root: string, size: number }, 'stoq:fetch:manifest'>
  | CustomProgressEvent<{ root: string, size: number, chunkSize: number, chunks: number, present: number }, 'stoq:fetch:root'>
  | CustomProgressEvent<{ root: string, index: number, bytes: number, peer: string, received: number, size: number, chunksDone: number, chunks: number }, 'stoq:fetch:chunk'>
  | CustomProgressEvent<{ peer: string, reason: string }, 'stoq:fetch:peer:dropped'>
  | CustomProgressEvent<{ peer: string }, 'stoq:fetch:peer:reopened'>
  | CustomProgressEvent<{ peer: string }, 'stoq:fetch:peer:joined'>
  | CustomProgressEvent<{ root: string, size: number, fetchedBytes: number, fetchedChunks: number, resumedChunks: number, peers: Record<string, number>, durationMs: number }, 'stoq:fetch:done'>
