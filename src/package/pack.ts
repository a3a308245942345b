import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { logger } from '@libp2p/logger'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { ChunkStore } from '../store/index.ts'
import { BLAKE3_LENGTH, RAW_CODEC, JSON_CODEC, blake3Hash, cidFromHash, cidOf } from './content-id.ts'
import type { CID } from './content-id.ts'
import { DEFAULT_CHUNK_SIZE, canonicalManifestBytes, parseManifest } from './manifest.ts'
import type { Manifest } from './manifest.ts'
import { encodeRootObject, rootCidOf } from './root-object.ts'
import { walk } from './walk.ts'
import type { PackEntry } from './walk.ts'
import { FileChangedError } from './errors.ts'

const log = logger('hypermesh:package')

/** The manifest fields a caller may set; content and files are computed by pack. */
export type PackMeta = Partial<Omit<Manifest, 'content' | 'files'>>

export type PackProgress =
  | CustomProgressEvent<{ path: string, size: number }, 'package:pack:file'>
  | CustomProgressEvent<{ index: number, bytes: number, done: number, total: number }, 'package:pack:chunk'>

export interface PackOptions extends OperationOptions<PackProgress> {
  /**
   * Chunk size in bytes (see protocols/stoq/SPEC.md for why 1 MiB).
   * @default 1048576 (DEFAULT_CHUNK_SIZE)
   */
  chunkSize?: number
  /** Manifest fields; missing ones default from the path's name (`id`, `name`), `0.0.0`, `Data`, empty lists. */
  meta?: PackMeta
  /**
   * Pin the manifest (and so the content) against garbage collection.
   * @default true
   */
  pin?: boolean
}

export interface PackResult {
  manifest: Manifest
  /** CID of the canonical manifest block (its digest); `hypermesh get` accepts it. */
  manifestCid: CID
  /** The content root CID (root object). */
  root: CID
  size: number
}

/**
 * Packs a directory or file into the store: content chunks, the root object, and the manifest
 * block. The files are concatenated in path order (a symlink contributes its target text) and
 * cut into fixed-size chunks, so one tree always gives one root and one manifest digest.
 */
export async function pack (path: string, store: ChunkStore, options: PackOptions = {}): Promise<PackResult> {
  const entries = await walk(path)
  return await packEntries(entries, defaultMeta(path, options.meta), store, options)
}

function defaultMeta (path: string, meta: PackMeta = {}): PackMeta {
  const name = basename(path)
  const id = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 128) || 'package'
  return { id, name, version: '0.0.0', category: 'Data', required_capabilities: [], provided_assets: [], dependencies: [], ...meta }
}

/** Packs an explicit entry list (used by pack, and by tests that build hostile packages). */
export async function packEntries (entries: PackEntry[], meta: PackMeta, store: ChunkStore, options: PackOptions = {}): Promise<PackResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
  const size = entries.reduce((n, e) => n + e.size, 0)
  const total = Math.ceil(size / chunkSize)
  const hashes = new Uint8Array(total * BLAKE3_LENGTH)
  const buf = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(size, 1)))
  let fill = 0
  let index = 0
  let done = 0
  const flush = async (): Promise<void> => {
    const bytes = buf.subarray(0, fill)
    const hash = blake3Hash(bytes)
    hashes.set(hash, index * BLAKE3_LENGTH)
    await store.put(cidFromHash(RAW_CODEC, hash), bytes)
    done += fill
    options.onProgress?.(new CustomProgressEvent('package:pack:chunk', { index, bytes: fill, done, total: size }))
    index++
    fill = 0
  }
  const append = async (bytes: Uint8Array): Promise<void> => {
    let off = 0
    while (off < bytes.length) {
      const n = Math.min(bytes.length - off, buf.length - fill)
      buf.set(bytes.subarray(off, off + n), fill)
      fill += n
      off += n
      if (fill === buf.length) await flush()
    }
  }
  for (const entry of entries) {
    options.signal?.throwIfAborted()
    options.onProgress?.(new CustomProgressEvent('package:pack:file', { path: entry.path, size: entry.size }))
    if (entry.target !== undefined) {
      await append(Buffer.from(entry.target))
      continue
    }
    if (entry.source === undefined) throw new TypeError(`entry ${entry.path} has neither source nor target`)
    const fh = await open(entry.source, 'r')
    try {
      let left = entry.size
      while (left > 0) {
        options.signal?.throwIfAborted()
        const want = Math.min(left, buf.length - fill)
        const { bytesRead } = await fh.read(buf, fill, want, null)
        if (bytesRead === 0) throw new FileChangedError(entry.source)
        fill += bytesRead
        left -= bytesRead
        if (fill === buf.length) await flush()
      }
      const { bytesRead } = await fh.read(Buffer.alloc(1), 0, 1, null)
      if (bytesRead !== 0) throw new FileChangedError(entry.source)
    } finally {
      await fh.close()
    }
  }
  if (fill > 0) await flush()
  const rootBytes = encodeRootObject({ size, chunkSize, hashes })
  const root = rootCidOf(rootBytes)
  await store.putRoot(root, rootBytes)
  await store.completeRoot(root)
  const manifest = parseManifest({
    ...meta,
    content: { root: root.toString(), size, chunk_size: chunkSize },
    files: entries.map(e => ({ path: e.path, mode: e.mode, size: e.size }))
  })
  const manifestBytes = canonicalManifestBytes(manifest)
  const manifestCid = cidOf(JSON_CODEC, manifestBytes)
  await store.put(manifestCid, manifestBytes)
  if (options.pin !== false) await store.pin(manifestCid)
  log('packed %d files, %d bytes, root %s, manifest %s', entries.length, size, root, manifestCid)
  return { manifest, manifestCid, root, size }
}
