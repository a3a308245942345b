import { lstat, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { canonicalManifestBytes, FILE_TYPE_SYMLINK, manifestDigest, parseManifest, InvalidManifestError } from '../package/index.ts'
import { contentRootOf } from './content-check.ts'
import { EntryMissingError, ManifestMissingError, PackageFilesMismatchError } from './errors.ts'
import type { Manifest } from '../package/index.ts'

/** The manifest's file name inside an unpacked package directory. */
export const MANIFEST_FILE = 'manifest.json'

/** An unpacked package on disk: its validated manifest and its entry module's source. */
export interface PackageDir {
  dir: string
  manifest: Manifest
  /** The canonical manifest bytes, which signatures and proofs are over. */
  manifestBytes: Uint8Array
  /** The manifest's digest (its CID string). */
  digest: string
  entry: string
  code: string
}

/**
 * Reads and checks an unpacked package: the manifest validates, every listed file is present
 * with its listed type and size, the files hash to the manifest's content root (so the bytes
 * on disk are the bytes that were signed), and the entry exists.
 */
export async function readPackageDir (dir: string): Promise<PackageDir> {
  let text: string
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new ManifestMissingError(dir)
    throw err
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err: any) {
    throw new InvalidManifestError([`not JSON: ${err.message}`])
  }
  const manifest = parseManifest(json)
  if (manifest.entry == null) throw new EntryMissingError(manifest.id)
  for (const file of manifest.files) {
    const stat = await lstat(join(dir, file.path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new PackageFilesMismatchError(manifest.id, `${file.path} is missing`)
      throw err
    })
    if (file.mode === FILE_TYPE_SYMLINK ? !stat.isSymbolicLink() : !stat.isFile()) throw new PackageFilesMismatchError(manifest.id, `${file.path} has the wrong type`)
    if (file.mode !== FILE_TYPE_SYMLINK && stat.size !== file.size) throw new PackageFilesMismatchError(manifest.id, `${file.path} is ${stat.size} bytes, the manifest says ${file.size}`)
  }
  if (await contentRootOf(dir, manifest) !== manifest.content.root) throw new PackageFilesMismatchError(manifest.id, 'the files do not hash to content.root')
  const manifestBytes = canonicalManifestBytes(manifest)
  const code = await readFile(join(dir, manifest.entry), 'utf8')
  return { dir, manifest, manifestBytes, digest: manifestDigest(manifest), entry: manifest.entry, code }
}
