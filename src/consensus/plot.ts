import { equalBytes, hashFields, HASH_BYTES, readU32, str, u32 } from './encoding.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import { STEPS_PER_TURN, turn } from './yield.ts'
import type { ConsensusParams } from './params.ts'
import type { OperationOptions } from '../util/progress.ts'

/**
 * The plot behind the proof of space (SPEC.md §6): 2^n labels, label i hashed from the seed,
 * its predecessor and `plotParents` earlier labels chosen by the seed; a Merkle tree over the
 * labels. The seed is bound to the node's public key, so one plot serves one node only, and a
 * label can only be recomputed from its parents, so a plot cannot be conjured from the seed.
 */

/** Each parent index is a 4-byte slice of one hash, so one hash serves up to this many parents. */
export const MAX_PARENTS = HASH_BYTES / 4

export interface Plot {
  readonly paramsId: string
  readonly log2Labels: number
  readonly seed: Uint8Array
  /** 2^n labels of 32 bytes each, back to back. */
  readonly labels: Uint8Array
  /** Merkle levels: levels[0] holds the leaf hashes, levels[n] the root. */
  readonly levels: Uint8Array[]
  readonly root: Uint8Array
}

/** One Merkle opening: a label and its sibling hashes from the leaf up. */
export interface LabelOpening {
  label: Uint8Array
  path: Uint8Array[]
}

export function plotSeed (nodePublicKey: Uint8Array, params: ConsensusParams): Uint8Array {
  return hashFields('plot-seed', nodePublicKey, str(params.id), u32(params.plotLog2Labels))
}

/** The `parents` earlier labels that label i (i ≥ 1) depends on, besides i − 1. */
export function parentIndices (seed: Uint8Array, index: number, parents: number): number[] {
  if (index === 0) return []
  const h = hashFields('plot-parents', seed, u32(index))
  const out: number[] = []
  for (let j = 0; j < parents; j++) out.push(readU32(h, 4 * j) % index)
  return out
}

/** label_i = H("plot-label", seed, u32(i), label_{i−1}, label_{p_0}, …); label_0 = H("plot-label", seed, u32(0)). */
export function computeLabel (seed: Uint8Array, index: number, predecessor: Uint8Array | undefined, parentLabels: Uint8Array[]): Uint8Array {
  return predecessor == null ? hashFields('plot-label', seed, u32(index)) : hashFields('plot-label', seed, u32(index), predecessor, ...parentLabels)
}

export function leafHash (index: number, label: Uint8Array): Uint8Array {
  return hashFields('plot-leaf', u32(index), label)
}

export function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashFields('plot-node', left, right)
}

export async function createPlot (nodePublicKey: Uint8Array, params: ConsensusParams, options: OperationOptions = {}): Promise<Plot> {
  if (params.plotParents > MAX_PARENTS) throw new RangeError(`at most ${MAX_PARENTS} parents`)
  const seed = plotSeed(nodePublicKey, params)
  const count = 2 ** params.plotLog2Labels
  const labels = new Uint8Array(count * HASH_BYTES)
  const labelAt = (i: number): Uint8Array => labels.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)
  for (let i = 0; i < count; i++) {
    const parents = parentIndices(seed, i, params.plotParents).map(labelAt)
    labels.set(computeLabel(seed, i, i === 0 ? undefined : labelAt(i - 1), parents), i * HASH_BYTES)
    if ((i + 1) % STEPS_PER_TURN === 0) {
      await turn(options.signal)
      options.onProgress?.(new CustomProgressEvent('consensus:plot:label', { done: i + 1, total: count }))
    }
  }
  return plotFromLabels(seed, labels, params, options)
}

/** Rebuilds the Merkle tree over stored labels (a plot file keeps only the seed and labels). */
export async function plotFromLabels (seed: Uint8Array, labels: Uint8Array, params: ConsensusParams, options: OperationOptions = {}): Promise<Plot> {
  const count = 2 ** params.plotLog2Labels
  if (labels.byteLength !== count * HASH_BYTES) throw new RangeError(`expected ${count} labels`)
  const levels = await merkleLevels(labels, count, options)
  return { paramsId: params.id, log2Labels: params.plotLog2Labels, seed, labels, levels, root: levels[levels.length - 1] }
}

async function merkleLevels (labels: Uint8Array, count: number, options: OperationOptions): Promise<Uint8Array[]> {
  const leaves = new Uint8Array(count * HASH_BYTES)
  for (let i = 0; i < count; i++) leaves.set(leafHash(i, labels.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)), i * HASH_BYTES)
  const levels = [leaves]
  for (let width = count / 2; width >= 1; width /= 2) {
    const below = levels[levels.length - 1]
    const level = new Uint8Array(width * HASH_BYTES)
    for (let i = 0; i < width; i++) {
      level.set(nodeHash(below.subarray(2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES), below.subarray((2 * i + 1) * HASH_BYTES, (2 * i + 2) * HASH_BYTES)), i * HASH_BYTES)
    }
    levels.push(level)
    await turn(options.signal)
  }
  return levels
}

export function labelOf (plot: Plot, index: number): Uint8Array {
  return plot.labels.slice(index * HASH_BYTES, (index + 1) * HASH_BYTES)
}

export function openLabel (plot: Plot, index: number): LabelOpening {
  const path: Uint8Array[] = []
  let position = index
  for (let level = 0; level < plot.log2Labels; level++) {
    const sibling = position ^ 1
    path.push(plot.levels[level].slice(sibling * HASH_BYTES, (sibling + 1) * HASH_BYTES))
    position >>= 1
  }
  return { label: labelOf(plot, index), path }
}

/** True when the opening of label `index` leads to `root`. */
export function checkOpening (root: Uint8Array, index: number, opening: LabelOpening, log2Labels: number): boolean {
  if (opening.path.length !== log2Labels) return false
  let hash = leafHash(index, opening.label)
  let position = index
  for (const sibling of opening.path) {
    hash = (position & 1) === 0 ? nodeHash(hash, sibling) : nodeHash(sibling, hash)
    position >>= 1
  }
  return equalBytes(hash, root)
}

/** Challenge j: u32(H(domain, fields…, u32(j))) mod 2^n, for j = 0 … count−1. */
export function challengeIndices (domain: string, count: number, log2Labels: number, ...fields: Uint8Array[]): number[] {
  const out: number[] = []
  for (let j = 0; j < count; j++) out.push(readU32(hashFields(domain, ...fields, u32(j))) % 2 ** log2Labels)
  return out
}
