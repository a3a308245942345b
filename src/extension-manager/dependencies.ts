import semver from 'semver'
import { DependencyCycleError, DependencyMissingError, DependencyVersionError, ExtensionNotFoundError } from './errors.ts'
import type { Manifest } from '../package/index.ts'

type Deps = Pick<Manifest, 'id' | 'version' | 'dependencies'>

/**
 * The order to load `targets` and everything they depend on: dependencies first, each id once.
 * Throws DependencyMissingError, DependencyVersionError or DependencyCycleError naming the
 * extensions involved.
 */
export function resolveLoadOrder (targets: readonly string[], available: ReadonlyMap<string, Deps>): string[] {
  const order: string[] = []
  const done = new Set<string>()
  const path: string[] = []

  const visit = (id: string): void => {
    if (done.has(id)) return
    const at = path.indexOf(id)
    if (at !== -1) throw new DependencyCycleError([...path.slice(at), id])
    const manifest = available.get(id)
    if (manifest == null) throw new ExtensionNotFoundError(id)
    path.push(id)
    for (const dep of manifest.dependencies) {
      const found = available.get(dep.extension_id)
      if (found == null) throw new DependencyMissingError(id, dep.extension_id)
      if (!semver.satisfies(found.version, dep.version_requirement, { includePrerelease: true })) {
        throw new DependencyVersionError(id, dep.extension_id, dep.version_requirement, found.version)
      }
      visit(dep.extension_id)
    }
    path.pop()
    done.add(id)
    order.push(id)
  }

  for (const id of targets) visit(id)
  return order
}

/** The installed extensions that depend on `id` directly. */
export function dependentsOf (id: string, available: ReadonlyMap<string, Deps>): string[] {
  return [...available.values()].filter(m => m.dependencies.some(d => d.extension_id === id)).map(m => m.id)
}
