import { HyperMeshError } from '../util/errors.ts'

export class ExtensionNotFoundError extends HyperMeshError {
  constructor (id: string) {
    super(`No extension "${id}" is known`, { hint: 'Run `hypermesh ext list` to see installed extensions' })
  }
}

export class ExtensionAlreadyLoadedError extends HyperMeshError {
  constructor (id: string) {
    super(`Extension "${id}" is already loaded`, { hint: 'Use `hypermesh ext reload` to replace it' })
  }
}

export class ManifestMissingError extends HyperMeshError {
  constructor (dir: string) {
    super(`No manifest.json in ${dir}`)
  }
}

export class EntryMissingError extends HyperMeshError {
  constructor (id: string) {
    super(`Extension "${id}" names no entry file`, { hint: 'Set "entry" in the manifest, e.g. "index.js"' })
  }
}

export class PackageFilesMismatchError extends HyperMeshError {
  constructor (id: string, detail: string) {
    super(`Package "${id}" does not match its manifest: ${detail}`, { hint: 'Repack and re-sign the package' })
  }
}

export class SignatureRequiredError extends HyperMeshError {
  constructor (id: string) {
    super(`Package "${id}" is not signed`, { hint: 'Sign it with `hypermesh sign`, or install with signature checks off for local development' })
  }
}

export class IncompatibleHostError extends HyperMeshError {
  constructor (id: string, range: string, host: string) {
    super(`Extension "${id}" supports hosts ${range}, this node is ${host}`, { hint: 'Install a version built for this node' })
  }
}

export class DependencyMissingError extends HyperMeshError {
  constructor (id: string, dependency: string) {
    super(`Extension "${id}" depends on "${dependency}", which is not installed`, { hint: `Install ${dependency} first` })
  }
}

export class DependencyVersionError extends HyperMeshError {
  constructor (id: string, dependency: string, range: string, found: string) {
    super(`Extension "${id}" needs ${dependency}@${range}, found ${found}`, { hint: `Install a version of ${dependency} that satisfies ${range}` })
  }
}

export class DependencyCycleError extends HyperMeshError {
  readonly cycle: string[]
  constructor (cycle: string[]) {
    super(`Extensions depend on each other in a cycle: ${cycle.join(' → ')}`)
    this.cycle = cycle
  }
}

export class UndeclaredAssetTypeError extends HyperMeshError {
  constructor (id: string, type: string) {
    super(`Extension "${id}" registers asset type "${type}" that its manifest does not provide`, { hint: 'List it in provided_assets' })
  }
}

export class CapabilityDeniedError extends HyperMeshError {
  constructor (id: string, capability: string) {
    super(`Extension "${id}" has no grant for ${capability}`, { hint: 'Request the capability in the manifest and allow it in the node policy' })
  }
}

export class UnknownOperationError extends HyperMeshError {
  constructor (capability: string, operation: string) {
    super(`${capability} has no operation "${operation}" on this node`)
  }
}

export class ReservedMethodError extends HyperMeshError {
  constructor (method: string) {
    super(`"${method}" is a lifecycle hook and cannot be called directly`)
  }
}

export class ConcurrencyQuotaExceededError extends HyperMeshError {
  constructor (id: string, limit: number) {
    super(`Extension "${id}" already has ${limit} operations in flight`, { hint: 'Retry later or raise its concurrentOperations quota' })
  }
}

export class StorageQuotaExceededError extends HyperMeshError {
  constructor (id: string, limit: number) {
    super(`Extension "${id}" would exceed its storage quota of ${limit} bytes`)
  }
}

export class MemoryQuotaExceededError extends HyperMeshError {
  constructor (id: string, detail = '') {
    super(`Extension "${id}" exceeded its memory quota${detail === '' ? '' : `: ${detail}`}`)
  }
}

export class CpuQuotaExceededError extends HyperMeshError {
  constructor (id: string, detail = '') {
    super(`Extension "${id}" exceeded its CPU quota and was stopped${detail === '' ? '' : `: ${detail}`}`)
  }
}

export class ExtensionCrashedError extends HyperMeshError {
  constructor (id: string, reason: string) {
    super(`Extension "${id}" crashed: ${reason}`)
  }
}

export class ExtensionNotReadyError extends HyperMeshError {
  constructor (id: string, state: string) {
    super(`Extension "${id}" is ${state}, not running`)
  }
}

export class ExtensionUntrustedError extends HyperMeshError {
  constructor (id: string, reason: { name: string, message: string }) {
    super(`Extension "${id}" was stopped because its signature no longer verifies (${reason.name}: ${reason.message})`, {
      hint: 'Install a version signed by a publisher the mesh still trusts'
    })
  }
}

export class ExtensionFailedError extends HyperMeshError {
  constructor (id: string, restarts: number) {
    super(`Extension "${id}" crashed ${restarts} times and is not restarted again`, { hint: 'Fix the extension, then `hypermesh ext load` it' })
  }
}

/** The extension's own code threw; `remoteName` is the name of what it threw. */
export class ExtensionCallError extends HyperMeshError {
  readonly remoteName: string
  constructor (id: string, method: string, remoteName: string, message: string) {
    super(`Extension "${id}" failed in ${method}: ${remoteName}: ${message}`)
    this.remoteName = remoteName
  }
}

export class ExtensionCallTimeoutError extends HyperMeshError {
  constructor (id: string, method: string, ms: number) {
    super(`Extension "${id}" did not answer ${method} within ${ms} ms`, { hint: 'Pass a longer signal, or check the extension with `hypermesh ext info`' })
  }
}

export class ExtensionHostUnavailableError extends HyperMeshError {
  constructor (reason: string) {
    super(`The extension host process is not available: ${reason}`)
  }
}

export class ConsensusProofRequiredError extends HyperMeshError {
  constructor (operation: string) {
    super(`${operation} is a critical operation and needs a consensus proof`, { hint: 'Pass the proof made for this operation' })
  }
}

export class ExtensionManagerStoppedError extends HyperMeshError {
  constructor () {
    super('The extension manager is stopped')
  }
}

/**
 * Failures that happen on the far side of a boundary (inside the host process or behind a
 * capability) travel as `{ name, message }` and are rebuilt here under their own class.
 */
export const REBUILDABLE = {
  CapabilityDeniedError,
  UnknownOperationError,
  ConcurrencyQuotaExceededError,
  StorageQuotaExceededError,
  MemoryQuotaExceededError,
  CpuQuotaExceededError,
  ExtensionCrashedError,
  ConsensusProofRequiredError
} as const

export class ExtensionInUseError extends HyperMeshError {
  constructor (id: string, dependents: string[]) {
    super(`Extension "${id}" is used by ${dependents.join(', ')}`, { hint: 'Unload those first' })
  }
}

export class ExtensionReloadFailedError extends HyperMeshError {
  constructor (id: string, cause: unknown) {
    super(`The new version of "${id}" failed to start; the previous version runs again`, { cause })
  }
}

export class ExtensionLifecycleTimeoutError extends HyperMeshError {
  constructor (id: string, step: string, ms: number) {
    super(`Extension "${id}" did not finish ${step} within ${ms} ms`)
  }
}

/** Turns a `{ name, message }` from the host back into its own class, or ExtensionCallError. */
export function rebuildError (id: string, method: string, wire: { name: string, message: string }): HyperMeshError {
  const Class = (REBUILDABLE as Record<string, typeof HyperMeshError>)[wire.name]
  if (Class != null) return Reflect.construct(HyperMeshError, [wire.message], Class)
  if (wire.name === 'ExtensionNotLoadedError' || wire.name === 'ExtensionUnloadedError') return new ExtensionNotReadyError(id, 'stopped')
  return new ExtensionCallError(id, method, wire.name, wire.message)
}
