import { HyperMeshError } from '../util/errors.ts'

/** The store has no block with this CID. */
export class BlockNotFoundError extends HyperMeshError {
  constructor (cid: string) {
    super(`block ${cid} is not in the store`, { hint: 'fetch it first (hypermesh get)' })
  }
}

/** Bytes offered to the store do not hash to the CID they were offered under; nothing was written. */
export class BlockHashMismatchError extends HyperMeshError {
  constructor (cid: string) {
    super(`bytes do not hash to ${cid}; refused before writing`)
  }
}

/** A block on disk no longer hashes to its name (e.g. torn by a power loss); it has been removed. */
export class CorruptBlockError extends HyperMeshError {
  constructor (cid: string) {
    super(`block ${cid} on disk is corrupt and was removed`, { hint: 'fetch the content again' })
  }
}

/** Writing would take the store past its quota. */
export class QuotaExceededError extends HyperMeshError {
  constructor (needed: number, used: number, quota: number) {
    super(`storing ${needed} more bytes would exceed the quota (${used} of ${quota} bytes used)`, {
      hint: 'unpin content and run garbage collection, or raise the storage quota'
    })
  }
}

/** The store was used after close(). */
export class StoreClosedError extends HyperMeshError {
  constructor () {
    super('the chunk store is closed')
  }
}

/** A root is not recorded in the store's index. */
export class RootNotFoundError extends HyperMeshError {
  constructor (cid: string) {
    super(`root ${cid} is not in the store`, { hint: 'add or fetch it first' })
  }
}
