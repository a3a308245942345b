import { manifestDigest } from '../package/index.ts'
import type { Manifest } from '../package/index.ts'
import { checkDigestBinding, checkSoftwareBinding } from '../trust/index.ts'
import { ManifestMismatchError } from './errors.ts'
import type { RecordVersion } from './record.ts'
import type { VerifiedRecord } from './verify-record.ts'

/**
 * The fetched manifest must be exactly what the verified record binds: its digest (which the
 * record's signature covers, so this is the manifest signature check), name, version, content
 * root and size, and the publisher fingerprint it names.
 */
export function checkManifest (manifest: Manifest, record: VerifiedRecord, version: RecordVersion): void {
  checkDigestBinding(version.manifest, manifestDigest(manifest))
  checkSoftwareBinding({ name: manifest.id, version: manifest.version }, { name: record.body.name, version: version.version })
  if (manifest.content.root !== version.root || manifest.content.size !== version.size) {
    throw new ManifestMismatchError(`manifest content ${manifest.content.root} (${manifest.content.size} bytes) differs from the record's ${version.root} (${version.size} bytes)`)
  }
  if (manifest.certificate_fingerprint !== undefined && manifest.certificate_fingerprint !== record.publisher.fingerprint) {
    throw new ManifestMismatchError(`manifest names publisher ${manifest.certificate_fingerprint}, the record is signed by ${record.publisher.fingerprint}`)
  }
}
