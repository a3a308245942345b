import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, rename, rm, stat, symlink } from 'node:fs/promises'
import { basename, dirname, join, posix, resolve } from 'node:path'
import { logger } from '@libp2p/logger'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { ChunkStore } from '../store/index.ts'
import { CID } from './content-id.ts'
import { FILE_TYPE_SYMLINK, isSafeRelativePath, parseManifest } from './manifest.ts'
import type { FileEntry, Manifest } from './manifest.ts'
import { ContentMismatchError, TargetExistsError, UnsafePathError, UnsafeSymlinkError } from './errors.ts'

const log = logger('hypermesh:package')

/** Permission bits applied to unpacked files; set-id and sticky bits never come from a package. */
const PERMISSION_BITS = 0o777

export type UnpackProgress = CustomProgressEvent<{ path: string, size: number, done: number, total: number }, 'package:unpack:file'>

export interface UnpackOptions extends OperationOptions<UnpackProgress> {}

/**
 * Unpacks verified content into `targetDir`, atomically: everything is written into a sibling
 * staging directory that is renamed into place only when complete, so `targetDir` either holds
 * the whole package or does not exist. Refuses absolute paths, `..`, symlinks that leave the
 * package, and content that disagrees with the manifest's size or chunk size.
 */
export async function unpack (manifestInput: Manifest, store: ChunkStore, targetDir: string, options: UnpackOptions = {}): Promise<{ dir: string, files: number, size: number }> {
  checkPaths(manifestInput)
  const manifest = parseManifest(manifestInput)
  const root = CID.parse(manifest.content.root)
  const obj = await store.getRoot(root)
  if (obj.size !== manifest.content.size || obj.chunkSize !== manifest.content.chunk_size) {
    throw new ContentMismatchError(`root ${root} holds ${obj.size} bytes in ${obj.chunkSize}-byte chunks, the manifest says ${manifest.content.size} in ${manifest.content.chunk_size}`)
  }
  const target = resolve(targetDir)
  if (await exists(target)) throw new TargetExistsError(target)
  const staging = join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`)
  await mkdir(staging, { recursive: true })
  try {
    await writeFiles(manifest, store, root, staging, options)
    await rename(staging, target)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
  log('unpacked %s into %s', root, target)
  return { dir: target, files: manifest.files.length, size: manifest.content.size }
}

/** Path checks before the schema, so a hostile path gets its own named error. */
function checkPaths (manifest: Manifest): void {
  for (const f of manifest.files ?? []) {
    if (typeof f.path !== 'string' || !isSafeRelativePath(f.path)) throw new UnsafePathError(String(f.path), 'absolute, or with "..", "." or empty segments')
  }
}

/** Reads the content as one byte stream and cuts it into the manifest's files, in order. */
async function writeFiles (manifest: Manifest, store: ChunkStore, root: CID, staging: string, options: UnpackOptions): Promise<void> {
  const chunks = store.cat(root, options)
  let current: Uint8Array = new Uint8Array(0)
  let offset = 0
  let done = 0
  const take = async (n: number, sink: (bytes: Uint8Array) => Promise<void>): Promise<void> => {
    while (n > 0) {
      if (offset === current.length) {
        const next = await chunks.next()
        if (next.done === true) throw new ContentMismatchError('content ended before the manifest\'s files did')
        current = next.value
        offset = 0
      }
      const piece = current.subarray(offset, offset + Math.min(n, current.length - offset))
      offset += piece.length
      n -= piece.length
      await sink(piece)
    }
  }
  for (const file of manifest.files) {
    const abs = join(staging, file.path)
    await mkdir(dirname(abs), { recursive: true })
    if (file.mode === FILE_TYPE_SYMLINK) {
      const parts: Uint8Array[] = []
      await take(file.size, async b => { parts.push(b.slice()) })
      const linkTarget = Buffer.concat(parts).toString('utf8')
      checkSymlink(file, linkTarget)
      await symlink(linkTarget, abs)
    } else {
      // 'wx' never follows or reuses an existing path, so an earlier entry cannot redirect this write
      const fh = await open(abs, 'wx')
      try {
        await take(file.size, async b => { await fh.write(b) })
      } finally {
        await fh.close()
      }
      await chmod(abs, file.mode & PERMISSION_BITS)
    }
    done += file.size
    options.onProgress?.(new CustomProgressEvent('package:unpack:file', { path: file.path, size: file.size, done, total: manifest.content.size }))
  }
  if (offset !== current.length || (await chunks.next()).done !== true) throw new ContentMismatchError('content is longer than the manifest\'s files')
}

function checkSymlink (file: FileEntry, target: string): void {
  if (target === '' || target.includes('\0') || target.startsWith('/') || target.includes('\\')) throw new UnsafeSymlinkError(file.path, target)
  const resolved = posix.normalize(posix.join(posix.dirname(file.path), target))
  if (resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)) throw new UnsafeSymlinkError(file.path, target)
}

async function exists (p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch (err: any) {
    if (err.code === 'ENOENT') return false
    throw err
  }
}
