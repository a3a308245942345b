import { lstat, readdir, readlink } from 'node:fs/promises'
import { basename, join, posix } from 'node:path'
import { FILE_TYPE_REGULAR, FILE_TYPE_SYMLINK } from './manifest.ts'
import { UnsupportedFileTypeError } from './errors.ts'

/** One thing to pack: a regular file read from `source`, or a symlink whose content is `target`. */
export interface PackEntry {
  path: string
  mode: number
  size: number
  source?: string
  target?: string
}

/** The permission bits kept in a package: read/write/execute for user, group, other. */
const PERMISSION_BITS = 0o777

/**
 * Lists what to pack under `root` (or `root` itself when it is a file), sorted by path so the
 * same tree always yields the same manifest and content root. Directories are implied by paths.
 */
export async function walk (root: string): Promise<PackEntry[]> {
  const st = await lstat(root)
  if (!st.isDirectory()) return [await entryFor(root, basename(root))]
  const out: PackEntry[] = []
  const visit = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name)
      const relPath = rel === '' ? name : posix.join(rel, name)
      const s = await lstat(abs)
      if (s.isDirectory()) await visit(abs, relPath)
      else out.push(await entryFor(abs, relPath))
    }
  }
  await visit(root, '')
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

async function entryFor (abs: string, path: string): Promise<PackEntry> {
  const s = await lstat(abs)
  if (s.isSymbolicLink()) {
    const target = await readlink(abs)
    return { path, mode: FILE_TYPE_SYMLINK, size: Buffer.byteLength(target), target }
  }
  if (!s.isFile()) throw new UnsupportedFileTypeError(abs)
  return { path, mode: FILE_TYPE_REGULAR | (s.mode & PERMISSION_BITS), size: s.size, source: abs }
}
