import { HyperMeshError } from '../util/errors.ts'

/** A package path is absolute, contains `..`, or would otherwise land outside the target. */
export class UnsafePathError extends HyperMeshError {
  constructor (path: string, why: string) {
    super(`unsafe path ${JSON.stringify(path)} in package: ${why}`, { hint: 'the package is malformed or hostile; it was not unpacked' })
  }
}

/** A symlink in a package points outside the package (absolute, or climbing above its root). */
export class UnsafeSymlinkError extends HyperMeshError {
  constructor (path: string, target: string) {
    super(`symlink ${JSON.stringify(path)} → ${JSON.stringify(target)} leaves the package`, { hint: 'the package is malformed or hostile; it was not unpacked' })
  }
}

/** The content in the store does not match what the manifest promises (size, chunk size). */
export class ContentMismatchError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'the manifest and the content root disagree; refetch or republish' })
  }
}

/** The unpack target already exists; unpack never merges into or overwrites a directory. */
export class TargetExistsError extends HyperMeshError {
  constructor (dir: string) {
    super(`${dir} already exists`, { hint: 'choose a new directory or remove it first' })
  }
}

/** A file to pack is neither a regular file, a directory nor a symlink (socket, device, fifo). */
export class UnsupportedFileTypeError extends HyperMeshError {
  constructor (path: string) {
    super(`${path} is not a regular file, directory or symlink`, { hint: 'remove it from the directory to pack' })
  }
}

/** A file changed size while it was being packed. */
export class FileChangedError extends HyperMeshError {
  constructor (path: string) {
    super(`${path} changed while it was being packed`, { hint: 'pack again once nothing writes to it' })
  }
}
