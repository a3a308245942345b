import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import semver from 'semver'
import type { ConsensusService } from '../consensus/index.ts'
import { readPackageDir } from '../extension-manager/index.ts'
import type { ExtensionInfo, ExtensionManager } from '../extension-manager/index.ts'
import { parsePackageSpec } from '../registry/index.ts'
import type { Registry } from '../registry/index.ts'
import { HyperMeshError } from '../util/errors.ts'
import { CustomProgressEvent } from '../util/progress.ts'
import type { OperationOptions } from '../util/progress.ts'

const log = logger('hypermesh:daemon:install')

/** The extension inside a registry package is not the package the record names. */
export class PackageIdentityMismatchError extends HyperMeshError {}
/** Installing a package needs itself, through its dependencies. */
export class DependencyCycleError extends HyperMeshError {}

export interface InstallDeps {
  registry: Registry
  extensions: ExtensionManager
  consensus?: ConsensusService
  /** A scratch directory on the same file system as the extensions directory. */
  tmpDir: string
}

export interface InstallOptions extends OperationOptions {
  /** A consensus install proof to present; without one the node makes its own when it can. */
  consensusProof?: unknown
}

/**
 * The install flow (DESIGN.md, "Install"): resolve NAME@RANGE in the registry, fetch it over STOQ
 * (verified against the signed record), install its dependencies first, make or take the
 * consensus proof for `install` of this package digest by this node, then hand the unpacked,
 * signed package to the extension manager (signature, chain, revocation, host range, atomic
 * copy, load).
 */
export async function installFromRegistry (deps: InstallDeps, spec: string, options: InstallOptions = {}, seen: string[] = []): Promise<ExtensionInfo> {
  const { name, range } = parsePackageSpec(spec)
  if (seen.includes(name)) throw new DependencyCycleError(`dependency cycle: ${[...seen, name].join(' → ')}`)
  const scratch = await mkdtemp(join(deps.tmpDir, 'install-'))
  try {
    const fetched = await deps.registry.fetch(spec, join(scratch, 'pkg'), options)
    const pkg = await readPackageDir(fetched.dir)
    // the record vouches for the transport manifest; the extension inside must be that package
    if (pkg.manifest.id !== fetched.name || pkg.manifest.version !== fetched.version) {
      throw new PackageIdentityMismatchError(`registry package ${fetched.name}@${fetched.version} carries extension ${pkg.manifest.id}@${pkg.manifest.version}`)
    }
    for (const dep of pkg.manifest.dependencies) {
      const present = deps.extensions.getExtension(dep.extension_id)
      if (present != null && semver.satisfies(present.version, dep.version_requirement, { includePrerelease: true })) continue
      options.onProgress?.(new CustomProgressEvent('install:dependency', { name: dep.extension_id, range: dep.version_requirement, for: name }))
      await installFromRegistry(deps, `${dep.extension_id}@${dep.version_requirement}`, { signal: options.signal, onProgress: options.onProgress }, [...seen, name])
    }
    const consensusProof = options.consensusProof ?? await makeInstallProof(deps.consensus, pkg.digest, options)
    const info = await deps.extensions.installExtension(fetched.dir, { ...options, consensusProof })
    options.onProgress?.(new CustomProgressEvent('install:done', { id: info.id, version: info.version, state: info.state }))
    return info
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(err => log.error('could not remove %s: %e', scratch, err))
  }
}

/** The node proves `install` of `digest` itself when it is part of a mesh with validators. */
export async function makeInstallProof (consensus: ConsensusService | undefined, digest: string, options: OperationOptions = {}): Promise<string | undefined> {
  if (consensus == null) return undefined
  options.onProgress?.(new CustomProgressEvent('install:proof', { digest }))
  const bytes = await consensus.prove({ op: 'install', digest }, options)
  return Buffer.from(bytes).toString('base64')
}
