import { logger } from '@libp2p/logger'
import { cidOf, RAW_CODEC } from '../package/index.ts'
import type { CID } from '../package/index.ts'
import { HyperMeshError } from '../util/errors.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { RecordVersion } from './record.ts'

const log = logger('hypermesh:registry:proof')

/**
 * Largest publish proof bundle fetched: the consensus bundle limit (protocols/consensus, 256 KiB);
 * a production bundle is ~23 KiB.
 */
export const MAX_PROOF_BYTES = 256 * 1024

/**
 * What the registry needs from consensus validation (protocols/registry/SPEC.md, "Publish
 * proof"): a proof of `publish` for a manifest digest, and its check. The daemon builds it from
 * the consensus service when the mesh root names validators.
 */
export interface PublishProofs {
  /** Proves `publish` of `digest` (a manifest CID) as this node; the bundle's bytes. */
  prove: (digest: string, options?: OperationOptions) => Promise<Uint8Array>
  /**
   * Throws the consensus verifier's named error unless `bundle` proves `publish` of `digest`
   * as of `at` (the version's signed publication time: a record is checked long after it was made).
   */
  verify: (bundle: Uint8Array, digest: string, at: Date) => void
}

/** The mesh requires publish proofs (its root names validators) and a version carries none. */
export class PublishProofMissingError extends HyperMeshError {
  constructor (name: string, version: string) {
    super(`${name}@${version} carries no consensus proof of its publication, which this mesh requires`, {
      hint: 'the publisher must publish from a node of a mesh with validators (a plot made with `hypermesh plot create`)'
    })
  }
}

/** The CID under which a proof bundle is stored and served (raw, BLAKE3). */
export function proofCid (bundle: Uint8Array): CID {
  return cidOf(RAW_CODEC, bundle)
}

/**
 * Checks the publish proof of one version: fetched by its CID (the record's signature covers
 * it, so it cannot be swapped between versions) and verified once per node; a verified CID is
 * remembered, since a bundle verifies the same way each time and the verifier refuses replays.
 */
export class PublishProofChecker {
  private readonly proofs: PublishProofs
  private readonly verified = new Set<string>()

  constructor (proofs: PublishProofs) {
    this.proofs = proofs
  }

  async check (name: string, version: RecordVersion, fetch: (cid: string) => Promise<Uint8Array>): Promise<void> {
    if (version.proof === undefined) throw new PublishProofMissingError(name, version.version)
    if (this.verified.has(version.proof)) return
    // STOQ verifies the bytes against the CID before handing them over
    const bundle = await fetch(version.proof)
    this.proofs.verify(bundle, version.manifest, new Date(version.published))
    this.verified.add(version.proof)
    log('verified the publish proof of %s@%s', name, version.version)
  }
}
