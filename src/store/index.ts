/**
 * The content-addressed chunk store: blocks as files written atomically, an index in LevelDB
 * (roots, which chunks of a partial root are present, pins), a quota and garbage collection.
 * No network. Every block is verified against its CID on the way in and on the way out.
 */
import { FsChunkStore } from './chunk-store.ts'
import type { ChunkStore, StoreInit } from './types.ts'

export { DEFAULT_STORE_QUOTA } from './chunk-store.ts'
export * from './errors.ts'
/** Page-aligned block buffers, one pool per block size per process: a fetch receives chunks in them and the store writes from them directly. */
export { BlockBuffers } from './block-buffers.ts'
export type { ChunkStore, StoreInit, StoreUsage, GcResult, RootState } from './types.ts'

/** Opens (creating if needed) the store in `init.dir`. Only one process may open a dir at a time (LevelDB lock). */
export async function createStore (init: StoreInit): Promise<ChunkStore> {
  const store = new FsChunkStore(init)
  await store.open()
  return store
}
