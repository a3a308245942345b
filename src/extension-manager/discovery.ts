import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import semver from 'semver'
import { CustomProgressEvent } from '../util/progress.ts'
import { IncompatibleHostError, SignatureRequiredError } from './errors.ts'
import { MANIFEST_FILE, readPackageDir } from './package-dir.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { PackageDir } from './package-dir.ts'
import type { PublisherInfo, SignatureVerifier } from './verifiers.ts'

/** A package that passed discovery: schema, signature (when required) and host compatibility. */
export interface DiscoveredExtension extends PackageDir {
  publisher?: PublisherInfo
}

export interface InspectOptions extends OperationOptions {
  /** This node's version, checked against the manifest's `hypermesh` range. */
  hostVersion: string
  /** Checks signatures; without one, only unsigned loading is possible. */
  verifier?: SignatureVerifier
  /**
   * Refuse packages whose signature cannot be checked.
   * @default true
   */
  requireSignatures?: boolean
}

/** Discovery of one package directory; throws the named error of the first check that fails. */
export async function inspectPackage (dir: string, options: InspectOptions): Promise<DiscoveredExtension> {
  const pkg = await readPackageDir(dir)
  const { manifest } = pkg
  if (manifest.hypermesh != null && !semver.satisfies(options.hostVersion, manifest.hypermesh, { includePrerelease: true })) {
    throw new IncompatibleHostError(manifest.id, manifest.hypermesh, options.hostVersion)
  }
  let publisher: PublisherInfo | undefined
  if (options.verifier != null) {
    publisher = await options.verifier.verifyPackage({ dir, manifest, manifestBytes: pkg.manifestBytes }, options)
  } else if (options.requireSignatures ?? true) {
    throw new SignatureRequiredError(manifest.id)
  }
  options.onProgress?.(new CustomProgressEvent('extensions:discover:package', { id: manifest.id, version: manifest.version, dir }))
  return { ...pkg, publisher }
}

export interface DiscoveryResult {
  /** The newest acceptable version of each extension id. */
  found: Map<string, DiscoveredExtension>
  rejected: Array<{ dir: string, error: Error }>
}

/**
 * Scans each directory's immediate subdirectories for packages (a subdirectory with a
 * manifest.json). A package that fails a check is reported in `rejected`, not loaded.
 */
export async function discoverExtensions (roots: readonly string[], options: InspectOptions): Promise<DiscoveryResult> {
  const result: DiscoveryResult = { found: new Map(), rejected: [] }
  for (const root of roots) {
    const entries = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return []
      throw err
    })
    for (const entry of entries) {
      if (!entry.isDirectory()) continue
      const dir = join(root, entry.name)
      const names = await readdir(dir)
      if (!names.includes(MANIFEST_FILE)) continue
      try {
        const found = await inspectPackage(dir, options)
        const current = result.found.get(found.manifest.id)
        if (current == null || semver.gt(found.manifest.version, current.manifest.version)) result.found.set(found.manifest.id, found)
      } catch (err) {
        result.rejected.push({ dir, error: err as Error })
      }
    }
  }
  return result
}
