import { HyperMeshError } from '../util/errors.ts'

/**
 * One class per way a registry operation fails. Trust failures (bad signature, unknown root,
 * revoked, out of scope, expired metadata, rollback) keep their names from src/trust, so a
 * caller branches on `err.name` whichever layer found the problem.
 */

/** The DHT value is larger than MAX_RECORD_BYTES. */
export class RecordTooLargeError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'a record lists at most the newest versions; older ones stay fetchable by manifest CID' })
  }
}

/** The bytes are not a registry record (JSON, envelope or body schema, or not canonical). */
export class MalformedRecordError extends HyperMeshError {
  constructor (message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause, hint: 'the record was damaged or is not a HyperMesh registry record' })
  }
}

/** The record names another package than its DHT key. */
export class RecordKeyMismatchError extends HyperMeshError {}

/** The record's `issued` lies in the future, or its lifetime exceeds MAX_RECORD_LIFETIME_MS. */
export class RecordLifetimeError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'check the publisher clock; records live at most 7 days and are republished' })
  }
}

/** A DHT key is not `/hmpkg/<valid name>`, or a name is not a valid package id. */
export class InvalidPackageNameError extends HyperMeshError {
  constructor (name: string) {
    super(`invalid package name ${JSON.stringify(name)}`, { hint: 'names are lowercase letters, digits, ".", "_" or "-", at most 128' })
  }
}

/** No record for the name could be found, or none that verifies (`cause` says why the first was refused). */
export class PackageNotFoundError extends HyperMeshError {
  constructor (name: string, options: { cause?: unknown } = {}) {
    const why = options.cause instanceof Error ? ` (the records found were refused: ${options.cause.name}: ${options.cause.message})` : ''
    super(`package ${name} not found in the registry${why}`, { cause: options.cause, hint: 'check the name with `hypermesh search`, and that the publisher is online' })
  }
}

/** The record has no version matching the requested range. */
export class NoMatchingVersionError extends HyperMeshError {
  constructor (name: string, range: string, available: string[]) {
    super(`no version of ${name} satisfies ${range} (available: ${available.join(', ') || 'none'})`, { hint: 'ask for a range that includes a published version' })
  }
}

/** The package directory's metadata (hypermesh.json or the meta option) is missing or wrong. */
export class PublishMetadataError extends HyperMeshError {}

/** Publishing a version the record already lists with other content. */
export class VersionExistsError extends HyperMeshError {
  constructor (name: string, version: string) {
    super(`${name}@${version} is already published with other content`, { hint: 'bump the version: a published version never changes' })
  }
}

/** The signing key or certificate chain given to publish does not fit. */
export class PublisherCredentialsError extends HyperMeshError {}

/** A catalog peer broke the protocol (oversize or undecodable frame, bad status). */
export class CatalogProtocolError extends HyperMeshError {}

/** The fetched manifest does not match what the record binds (name, version, digest, publisher). */
export class ManifestMismatchError extends HyperMeshError {
  constructor (message: string) {
    super(message, { hint: 'a provider served other content than the record names; try again or another provider' })
  }
}
