import type { CID, RootObject } from '../package/index.ts'

export interface StoreInit {
  /** The store's directory; blocks go under `blocks/`, the LevelDB index under `index/`. */
  dir: string
  /**
   * Most bytes of blocks the store will hold; a put beyond it fails with QuotaExceededError.
   * @default 10 GiB (DEFAULT_STORE_QUOTA)
   */
  quota?: number
  /**
   * fdatasync each block before renaming it into place. Off, a process crash still leaves a
   * consistent store (rename is atomic); on, so does a power loss, at a cost in write speed.
   * Either way get() re-hashes, so a torn block is detected and removed.
   * @default false
   */
  sync?: boolean
}

export interface StoreUsage { used: number, quota: number }
export interface GcResult { removed: number, freed: number }

export interface RootState {
  size: number
  chunkSize: number
  complete: boolean
  /** Number of chunks the root has. */
  chunks: number
  /** Number of chunks recorded as present. */
  present: number
}

/** The chunk store's contract. Blocks are verified against their CID on put and on get. */
export interface ChunkStore {
  readonly dir: string
  readonly quota: number
  usage: () => StoreUsage
  has: (cid: CID) => Promise<boolean>
  /** Throws BlockNotFoundError, or CorruptBlockError (and removes the block) if it no longer verifies. */
  /**
   * The block's verified bytes. `into(length)`, when given, supplies the buffer to read into (of
   * exactly `length` bytes), so a caller that serves many blocks can reuse its buffers instead
   * of leaving a fresh one per block to the garbage collector.
   */
  get: (cid: CID, options?: { signal?: AbortSignal, into?: (length: number) => Uint8Array }) => Promise<Uint8Array>
  /** Verifies, then writes atomically; bytes may come in pieces (written with writev, never joined). Throws BlockHashMismatchError or QuotaExceededError. */
  put: (cid: CID, bytes: Uint8Array | Uint8Array[]) => Promise<void>
  delete: (cid: CID) => Promise<void>
  /** Stores a root object block (checked) and records the root as partial (complete if empty). */
  putRoot: (root: CID, bytes: Uint8Array) => Promise<RootObject>
  getRoot: (root: CID) => Promise<RootObject>
  /** Stores chunk `index` of `root` (verified first, like put: BlockHashMismatchError writes nothing) and records it as present. */
  putChunk: (root: CID, index: number, cid: CID, bytes: Uint8Array | Uint8Array[]) => Promise<void>
  rootState: (root: CID) => Promise<RootState | undefined>
  presentChunks: (root: CID) => Promise<Set<number>>
  /** Checks every chunk is on disk and marks the root complete. */
  completeRoot: (root: CID) => Promise<void>
  /** The content of a root, chunk by chunk, each verified. */
  cat: (root: CID, options?: { signal?: AbortSignal }) => AsyncGenerator<Uint8Array>
  pin: (cid: CID) => Promise<void>
  unpin: (cid: CID) => Promise<void>
  pins: () => Promise<CID[]>
  /** Removes every block not reachable from a pin (a root object's chunks, a manifest's root). */
  gc: () => Promise<GcResult>
  close: () => Promise<void>
}
