import semver from 'semver'
import { InvalidPackageNameError } from './errors.ts'
import { isPackageName } from './record.ts'
import { HyperMeshError } from '../util/errors.ts'

/** A `name@range` argument whose range is not a semver range. */
export class InvalidVersionRangeError extends HyperMeshError {
  constructor (range: string) {
    super(`invalid version range ${JSON.stringify(range)}`, { hint: 'use a semver range such as 1.2.3, ^1.2 or >=1.0.0 <2' })
  }
}

/** Splits `name[@range]`; the range defaults to "any version" (the newest listed). */
export function parsePackageSpec (spec: string): { name: string, range?: string } {
  const at = spec.indexOf('@')
  const name = at === -1 ? spec : spec.slice(0, at)
  const range = at === -1 ? undefined : spec.slice(at + 1)
  if (!isPackageName(name)) throw new InvalidPackageNameError(name)
  if (range !== undefined && semver.validRange(range) === null) throw new InvalidVersionRangeError(range)
  return range === undefined ? { name } : { name, range }
}
