import { lstat, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { FILE_TYPE_REGULAR, FILE_TYPE_SYMLINK, packEntries } from '../package/index.ts'
import type { Manifest, PackEntry, PackMeta } from '../package/index.ts'
import type { ChunkStore } from '../store/index.ts'

/**
 * A chunk store that keeps nothing: packing over it computes the content root and manifest
 * of files on disk without writing a block, which is all a check of an unpacked package needs.
 */
const discardStore = {
  put: async () => {},
  putRoot: async () => ({}),
  completeRoot: async () => {},
  pin: async () => {}
} as unknown as ChunkStore

/** Top-level `manifest.*` files (the manifest, its signature) describe the package; they are not its content. */
export function isPackageMetaFile (path: string): boolean {
  return !path.includes('/') && path.startsWith('manifest.')
}

/** The content root of the files `manifest` lists, read from `dir`. */
export async function contentRootOf (dir: string, manifest: Manifest): Promise<string> {
  const entries: PackEntry[] = []
  for (const file of manifest.files) {
    const source = join(dir, file.path)
    entries.push(file.mode === FILE_TYPE_SYMLINK
      ? { path: file.path, mode: file.mode, size: file.size, target: await readlink(source) }
      : { path: file.path, mode: file.mode, size: file.size, source })
  }
  const { manifest: computed } = await packEntries(entries, manifest, discardStore, { chunkSize: manifest.content.chunk_size, pin: false })
  return computed.content.root
}

/** Builds the manifest for the regular files `paths` of `dir` (the extension author's tool and the tests'). */
export async function manifestForFiles (dir: string, paths: readonly string[], meta: PackMeta): Promise<Manifest> {
  const entries: PackEntry[] = []
  for (const path of [...paths].sort()) {
    const source = join(dir, path)
    const stat = await lstat(source)
    entries.push({ path, mode: FILE_TYPE_REGULAR | (stat.mode & PERMISSION_BITS), size: stat.size, source })
  }
  return (await packEntries(entries, meta, discardStore, { pin: false })).manifest
}

/** The permission bits a package keeps (as pack does). */
const PERMISSION_BITS = 0o777
